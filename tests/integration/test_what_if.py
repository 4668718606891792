"""The simulator check of the coverage recommendation is like for like: the sample read back through
ingest and the organisation re-simulated with no change measure exactly the same breaches, so a re-run
with no change avoids exactly nothing; measured without the event log (a reopen no longer a new SLA
cycle), the same tickets would show a difference that is not there. The baseline of a build is the
analysis's own clocks (computed once, in the reporting zone), measured by the same function as a re-run's."""

from __future__ import annotations

import pytest

from supportlens.analysis import analyse
from supportlens.analysis.actions.recommendations import SimulatedVerdict
from supportlens.analysis.actions.roi import Range
from supportlens.analysis.core.clocks import ticket_clocks
from supportlens.analysis.core.period import reporting_period
from supportlens.config import Config
from supportlens.ingest import load_dataset
from supportlens.sample import SimulationSpec, simulate, write_sample
from supportlens.sample.what_if import coverage_what_if, rerun_outcomes, sample_spec, sla_outcomes

GAP = [[d, h] for d in range(5) for h in (18, 19, 20, 21)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("what_if")
    write_sample(simulate(SimulationSpec(tickets=6000, seed=4, days=120)), folder)
    config = Config.model_validate({
        "data": {table: str(folder / f"{table}.csv") for table in ("tickets", "events", "accounts", "agents")},
        "period": {"length": "all"}})
    dataset = load_dataset(config)
    as_of = reporting_period(dataset.tickets, config.period).as_of
    return dataset, config, as_of


def outcomes(dataset, config, as_of, events=True):
    return sla_outcomes(ticket_clocks(dataset.tickets, config.sla, as_of, events=dataset.events if events else None),
                        config)


def test_a_rerun_with_no_change_avoids_exactly_nothing(sample):
    """The baseline as a build measures it: the analysis's clocks, not a second computation of them."""
    dataset, config, as_of = sample
    spec = sample_spec(dataset)
    assert spec is not None
    analysis = analyse(dataset, config)
    assert analysis.period.as_of == as_of
    baseline = sla_outcomes(analysis.clocks, config)
    after = rerun_outcomes(spec, {}, config, as_of, True)
    assert baseline["breached"].sum() > 0
    check = coverage_what_if(baseline, after, {}, GAP, Range(0.0, 0.0, 0.0), spec.days)
    assert (check.avoided_in_gap_per_year, check.avoided_in_sources_per_year, check.avoided_elsewhere_per_year,
            check.avoided_per_year, check.value_in_gap_per_year) == (0.0, 0.0, 0.0, 0.0, 0.0)
    assert check.verdict == SimulatedVerdict.WITHIN


def test_unlike_rules_would_invent_a_difference(sample):
    """The check above can fail: the re-run measured without the event log (creation to last solve, as the
    check once did) differs from the baseline with no change at all."""
    dataset, config, as_of = sample
    baseline = outcomes(dataset, config, as_of)
    without_events = outcomes(dataset, config, as_of, events=False)
    check = coverage_what_if(baseline, without_events, {}, GAP, Range(0.0, 0.0, 0.0), 120)
    assert check.avoided_per_year != 0


def test_a_result_outside_the_predicted_range_says_so(sample):
    dataset, config, as_of = sample
    spec = sample_spec(dataset)
    baseline = outcomes(dataset, config, as_of)
    change = {str(d * 24 + h): 3 for d, h in GAP}
    after = rerun_outcomes(spec, change, config, as_of, True)
    avoided = coverage_what_if(baseline, after, change, GAP, Range(0.0, 0.0, 0.0), spec.days).avoided_in_gap_per_year
    assert avoided > 0
    verdicts = [coverage_what_if(baseline, after, change, GAP, r, spec.days).verdict
                for r in (Range(0.0, 0.0, avoided / 2), Range(avoided / 2, avoided, avoided * 2),
                          Range(avoided * 2, avoided * 3, avoided * 4))]
    assert verdicts == [SimulatedVerdict.ABOVE, SimulatedVerdict.WITHIN, SimulatedVerdict.BELOW]


def test_no_rerun_above_the_size_limit(sample, monkeypatch):
    """Above the re-run limit neither check re-simulates, and the reason names the limit and the sample's size;
    at the limit the policy re-run happens as before."""
    from supportlens.sample import what_if
    dataset, config, as_of = sample
    n = len(dataset.tickets)
    monkeypatch.setattr(what_if, "RERUN_UP_TO", n - 1)
    simulated, reason = what_if.simulate_policy(dataset.sample_truth, dataset.tickets, 8.0, None)
    assert simulated is None and f"{n - 1:,}" in reason and f"{n:,}" in reason
    monkeypatch.setattr(what_if, "RERUN_UP_TO", n)
    assert what_if.too_large_to_rerun(n) is None
    simulated, reason = what_if.simulate_policy(dataset.sample_truth, dataset.tickets, 8.0, None)
    assert simulated is not None and reason is None
