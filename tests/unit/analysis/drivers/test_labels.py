"""Labels a reader understands (issue 14, 9), on hand-made segment tables: a finding that names a coded label or
the pooled "other" bucket is kept off the summary (decided in analysis); a numeric code reads "category 34";
acronyms stay as written; a breach finding quotes the model's odds ratio only for its own pair."""

from __future__ import annotations

from dataclasses import asdict
from types import SimpleNamespace as NS

import pytest

from diagnostics_helpers import clocks, window_of
from supportlens.analysis.drivers.frame import OTHER, is_coded, is_pooled, segment_frame
from supportlens.analysis.drivers.segments import segment_report
from supportlens.analysis.findings import Withheld, segment_breach, segment_duration
from supportlens.config import Findings, Segments
from supportlens.formatting import fmt_segment
from supportlens.render.pages import environment
from support import ROOT


def diagnostics(groups: list[dict], model=None, settings=Segments(min_tickets=10)):
    frame = clocks(groups)
    seg, specs, unavailable = segment_frame(frame, None, settings, [])
    report = segment_report(frame, seg, specs, unavailable, window_of(frame), Findings(), settings.min_tickets, 7)
    return NS(segments=report, model=model)


def two_categories(worst: str, best: str) -> list[dict]:
    # 20/40 vs 5/40 breached: chi-square p = 0.0003, ratio 4 — a finding whatever the labels
    return [{"n": 40, "breached": 20, "category": worst}, {"n": 40, "breached": 5, "category": best}]


@pytest.mark.parametrize("label", ["value_5", "Value 5", "group12", "Team 3", "cat_7", "prod542", "34", "3.5"])
def test_codes_and_bare_numbers_are_coded(label):
    assert is_coded(label)


@pytest.mark.parametrize("label", ["login_access", "SW bulk scheduled", "18:00", "tier 2 support", "windows", None,
                                   "(not set)", "other"])
def test_names_are_not_coded(label):
    assert not is_coded(label)


def test_a_finding_with_named_segments_headlines():
    [finding] = segment_breach(diagnostics(two_categories("integration", "how_to")))
    assert (finding.facts.worst, finding.facts.best) == ("integration", "how_to")
    assert finding.headline and finding.withheld is None


def test_a_finding_naming_anonymised_codes_stays_off_the_summary():
    [finding] = segment_breach(diagnostics(two_categories("value_5", "value_8")))
    assert (finding.facts.worst, finding.facts.best, finding.facts.ratio) == ("value_5", "value_8", pytest.approx(4.0))
    assert not finding.headline and finding.withheld == Withheld.CODED_LABEL
    # one coded side is enough: "billing tickets breach 4× as often as 51" says nothing either
    [mixed] = segment_breach(diagnostics(two_categories("billing", "51")))
    assert mixed.withheld == Withheld.CODED_LABEL


def test_a_finding_naming_the_pooled_bucket_stays_off_the_summary():
    # four categories of 5 tickets each (below min_tickets 10) are pooled into "other": 20/20 breached,
    # against billing 10/40 and login 8/40 — "other" is the worst segment
    groups = [{"n": 5, "breached": 5, "category": f"rare_{i}"} for i in "abcd"]
    groups += [{"n": 40, "breached": 10, "category": "billing"}, {"n": 40, "breached": 8, "category": "login"}]
    [finding] = segment_breach(diagnostics(groups))
    assert finding.facts.worst == OTHER and is_pooled(finding.facts.worst)
    assert not finding.headline and finding.withheld == Withheld.POOLED


def test_a_duration_finding_is_judged_the_same_way():
    groups = [{"n": 40, "breached": 0, "category": "value_1", "resolution_hours": [40.0, 60.0, 80.0]},
              {"n": 40, "breached": 0, "category": "value_2", "resolution_hours": [2.0, 3.0, 4.0]}]
    [finding] = segment_duration(diagnostics(groups))
    assert (finding.facts.worst, finding.facts.best) == ("value_1", "value_2")
    assert not finding.headline and finding.withheld == Withheld.CODED_LABEL


def test_a_numeric_code_reads_as_its_dimension_and_acronyms_stay_as_written():
    assert fmt_segment("34", "category") == "category 34"
    assert fmt_segment("7", "account_tier") == "account tier 7"
    assert fmt_segment("18:00", "hour") == "18:00"
    assert fmt_segment("SW bulk scheduled", "category") == "SW bulk scheduled"
    assert fmt_segment("API", "category") == "API"
    assert fmt_segment("login_access", "category") == "Login access"


def effect(worst: str, best: str):
    return NS(dimension="category", significant=True, adjusted_p=0.001, worst=worst, best=best, odds_ratio=3.21,
              ci_low=1.5, ci_high=6.9)


def sentence(finding) -> str:
    env = environment(ROOT)
    template = env.from_string('{% from "partials/macros.j2" import finding_sentence with context %}{{ finding_sentence(f) }}')
    return template.render(f=asdict(finding), diagnostics={"window": "Q3 2026"})


def test_the_model_odds_ratio_is_quoted_only_for_the_same_pair():
    groups = two_categories("online", "app") + [{"n": 40, "breached": 12, "category": "phone"}]
    same = segment_breach(diagnostics(groups, NS(dimensions=[effect("online", "app")])))[0]
    assert same.facts.model_same_pair
    text = sentence(same)
    assert "Online tickets breach" in text and "adjusted odds ratio Online vs App 3.21, 95% CI 1.50–6.90" in text
    assert "Phone" not in text
    # the model's largest gap is phone vs app: its ratio is another comparison, left out of the sentence
    other = segment_breach(diagnostics(groups, NS(dimensions=[effect("phone", "app")])))[0]
    assert not other.facts.model_same_pair
    text = sentence(other)
    assert "Online tickets breach" in text and "odds ratio" not in text and "Phone" not in text and "3.21" not in text
    assert "Category is still associated with breaches once the other segments are held fixed (adjusted p 0.001)" in text


def test_a_numeric_category_reads_as_a_category_in_the_sentence():
    [finding] = segment_breach(diagnostics(two_categories("34", "51")))
    assert sentence(finding).startswith("**Category 34 tickets breach 4.0× as often as category 51 tickets**")   # a sentence starts with a capital


def test_an_account_named_by_a_code_does_not_headline():
    from supportlens.analysis.findings import account_concentration

    def accounts(name):
        top = {"account": name, "share": 0.055, "ci_low": 0.048, "ci_high": 0.062, "tickets": 275}
        c = NS(dominant=[top], dominant_threshold=0.03, top_20pct_share=0.69, gini=0.65, accounts=40)
        return NS(accounts=NS(concentration=c))

    assert not account_concentration(accounts("Value 22")).headline
    named = account_concentration(accounts("Acme GmbH"))
    assert named.headline and named.withheld is None
