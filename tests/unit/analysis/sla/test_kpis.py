"""Each headline KPI against values worked out by hand on the six tickets of conftest.TINY_TICKETS.

Hand working (targets: critical 1h/4h, high 4h/8h, normal 8h/24h, low 24h/72h):
- first response minutes: T1 30, T2 600, T3 20, T4 60, T6 10 (T5 none yet) -> median 30;
  T2 600 > 480 breached; 1 of 5 completed -> 0.2.
- resolution: T1 480 <= 1440, T2 exactly 1440 (achieved: solved at its target), T3 360 > 240 (critical)
  breached, T6 exactly 1440 achieved -> 1 of 4 = 0.25. T4 (high, open 49 days) is open and breached; T5 active.
- escalation T3, T6 of 6 -> 1/3; reopen T3 of 4 solved -> 0.25; one-touch T1, T6 of 4 solved -> 0.5.
- CSAT 5, 3, 4 -> mean 4.0, rated 3 of 4 solved -> 0.75 (T3 has no rating).
- Kaplan-Meier resolution hours: T3 6 (event) ties with T5 6 (censored): events first, S = 5/6;
  T1 8: S = 5/6 * 3/4 = 0.625; T2, T6 24: S = 0.625 * 1/3 = 0.208 -> median 24 h.
"""

from __future__ import annotations

import pytest

from supportlens.analysis import analyse
from supportlens.ingest import load_dataset


@pytest.fixture
def kpis(tiny_config):
    analysis = analyse(load_dataset(tiny_config), tiny_config)
    return {k.id: k for k in analysis.kpis}, analysis


def test_counts_and_period(kpis):
    by_id, analysis = kpis
    assert by_id["tickets"].value == 6
    # the last full quarter (Q4 2025) precedes the data, so the period is the whole span
    assert analysis.period.kind == "all" and analysis.period.partial


def test_first_response(kpis):
    by_id, analysis = kpis
    assert by_id["first_response_median_minutes"].value == pytest.approx(30)
    assert by_id["first_response_breach_rate"].value == pytest.approx(0.2)
    assert analysis.sla.period.first_response.events == 1 and analysis.sla.period.first_response.n == 5


def test_resolution_breach_counts_solved_at_target_as_achieved(kpis):
    by_id, analysis = kpis
    assert by_id["resolution_breach_rate"].value == pytest.approx(0.25)
    assert analysis.sla.period.states == {"achieved": 3, "breached": 1, "active": 1, "active_breached": 1}
    critical = next(b for b in analysis.sla.period.by_priority if b.priority == "critical")
    assert critical.resolution.events == 1 and critical.resolution.n == 1
    high = next(b for b in analysis.sla.period.by_priority if b.priority == "high")
    assert high.open_breached == 1


def test_rates(kpis):
    by_id, _ = kpis
    assert by_id["escalation_rate"].value == pytest.approx(1 / 3)
    assert by_id["reopen_rate"].value == pytest.approx(0.25)
    assert by_id["one_touch_rate"].value == pytest.approx(0.5)


def test_csat_ignores_missing_ratings(kpis):
    by_id, _ = kpis
    assert by_id["csat_mean"].value == pytest.approx(4.0)
    assert by_id["csat_mean"].n == 3
    assert by_id["csat_response_rate"].value == pytest.approx(0.75)


def test_resolution_median_censors_open_tickets(kpis):
    by_id, _ = kpis
    assert by_id["resolution_median_hours"].value == pytest.approx(24)
    assert by_id["resolution_median_hours"].n == 6


def test_backlog_at_as_of(kpis):
    _, analysis = kpis
    assert analysis.volume.backlog.at_as_of == 2
    assert analysis.volume.backlog.open_tickets[-1] == 2
    # T4 is 49 days old, T5 6 hours
    bands = {b["band"]: b["tickets"] for b in analysis.volume.backlog.age_bands}
    assert bands["under 1 day"] == 1 and bands["over 30 days"] == 1


def test_priority_spellings_are_normalised(kpis):
    _, analysis = kpis
    counts = {b.priority: b.tickets for b in analysis.sla.period.by_priority}
    assert counts == {"critical": 1, "high": 1, "normal": 3, "low": 1}


def _kpi(kpi_id: str, p_value: float | None, change: float | None = -0.02, better: str = "lower", previous: float = 0.2):
    from supportlens.analysis.sla.kpis import Kpi
    value = None if change is None else previous + change
    return Kpi(id=kpi_id, label=kpi_id.replace("_", " "), unit="share", better=better, value=value, ci_low=None,
               ci_high=None, n=1000, previous=previous, change=change,
               relative_change=None if change is None else change / previous, p_value=p_value, target=None,
               meets_target=None, monthly=[], definition="")


def test_significance_is_decided_once_on_the_adjusted_p_and_the_tile_and_the_finding_agree(tmp_path):
    """Unadjusted p 0.03 < 0.05, but adjusted with two other tested KPIs (p 0.5, 0.6) it is 0.03 * 3 / 1 = 0.09
    (Benjamini-Hochberg; 0.5 -> min(0.6, 0.5 * 3 / 2) = 0.6): not significant at alpha 0.05. The tile says n.s. and
    no kpi_change finding is written, although the change is material (-10%)."""
    from supportlens.analysis.findings import kpi_change
    from supportlens.analysis.sla.kpis import with_significance
    from supportlens.config import Findings
    from supportlens.render.pages import environment

    kpis = with_significance([_kpi("reopen_rate", 0.03), _kpi("escalation_rate", 0.5, change=0.01),
                              _kpi("one_touch_rate", 0.6, better="higher"),
                              _kpi("tickets", None, better="neutral"), _kpi("csat_response_rate", 0.01, change=None)],
                             alpha=0.05)
    by_id = {k.id: k for k in kpis}
    assert by_id["reopen_rate"].adjusted_p == pytest.approx(0.09)
    assert by_id["escalation_rate"].adjusted_p == pytest.approx(0.6)
    assert by_id["one_touch_rate"].adjusted_p == pytest.approx(0.6)
    assert [by_id[k].significant for k in ("reopen_rate", "escalation_rate", "tickets", "csat_response_rate")] == \
        [False, False, None, None]   # no test for a neutral KPI, none without a change
    assert by_id["reopen_rate"].change_direction == "improved"       # lower is better, it fell
    assert by_id["escalation_rate"].change_direction == "worsened"
    assert by_id["one_touch_rate"].change_direction == "worsened"    # higher is better, it fell
    assert by_id["tickets"].change_direction == "neutral" and by_id["csat_response_rate"].change_direction is None
    assert kpi_change(kpis, Findings(alpha=0.05, material_change=0.05)) is None

    from supportlens.context import to_plain
    env = environment(tmp_path)
    tiles = env.from_string('{% from "partials/macros.j2" import kpi_tiles %}{{ kpi_tiles(kpis, "Q1") }}').render(
        kpis=to_plain([by_id["reopen_rate"]]))
    # not significant: better in direction but shown neutral (issue 13), marked n.s.
    assert "(n.s.)" in tiles and "adjusted p = 0.090" in tiles and 'kpi-change neutral' in tiles

    # at alpha 0.10 the same change is significant: the tile drops its n.s. and the finding is written
    kpis = with_significance([_kpi("reopen_rate", 0.03), _kpi("escalation_rate", 0.5), _kpi("one_touch_rate", 0.6)],
                             alpha=0.10)
    assert kpis[0].significant is True and kpis[1].significant is False
    finding = kpi_change(kpis, Findings(alpha=0.10, material_change=0.05))
    assert finding.facts.kpi == "reopen_rate" and finding.facts.adjusted_p == pytest.approx(0.09)
    assert finding.facts.improved is True
    tiles = env.from_string('{% from "partials/macros.j2" import kpi_tiles %}{{ kpi_tiles(kpis, "Q1") }}').render(
        kpis=to_plain(kpis[:1]))
    assert "(n.s.)" not in tiles
