"""Labels a reader understands (issue 14, leftovers of 9): a recommendation's title reads its categories by the
findings' rule, and a finding's sentence starts with a capital whatever label opens it."""

from __future__ import annotations

from markupsafe import Markup

from supportlens.formatting import fmt_segment, recommendation_title, upper_first
from supportlens.render.pages import environment

from support import ROOT


def test_a_recommendation_title_names_a_coded_category_as_what_it_is_and_quotes_only_the_exports_own_words():
    # issue 13: an anonymised code ('Value 3') or a bare number is a category number, not a name to quote
    rec = {"kind": "self_service", "facts": {"categories": [{"category": "value 3"}, {"category": "34"},
                                                             {"category": "login_access"}]}}
    assert recommendation_title(rec) == "Self-service and auto-routing for category 3, category 34 and “Login access”"
    two = {"kind": "self_service", "facts": {"categories": [{"category": "Value 3"}, {"category": "Value 2"}]}}
    assert recommendation_title(two) == "Self-service and auto-routing for category 3 and category 2"


def test_a_coded_segment_label_reads_as_its_dimension_and_number():
    from supportlens.formatting import fmt_segment

    assert fmt_segment("Value 22", "account") == "account 22"
    assert fmt_segment("value_1", "group") == "group 1"
    assert fmt_segment("ACC-00423", "account") == "ACC-00423"      # an account id the business knows: kept
    assert fmt_segment("Login access", "category") == "Login access"


def test_a_coverage_title_names_the_reports_zone():
    rec = {"kind": "coverage", "facts": {"block": {"days_label": "Mon–Fri", "hour_ranges": ["18:00–22:00"],
                                                   "extra_agents": 2}}}
    assert recommendation_title(rec, "America/Chicago") == \
        "Cover Mon–Fri 18:00–22:00 America/Chicago (up to +2 agents an hour)"


def test_a_sentence_starts_with_a_capital_after_its_emphasis():
    assert upper_first("**category 34 tickets breach**") == "**Category 34 tickets breach**"
    assert upper_first(Markup("**“value 3” &amp;")) == Markup("**“Value 3” &amp;")


def test_a_finding_that_opens_with_a_numeric_category_starts_with_a_capital():
    finding = {"kind": "segment_breach", "facts": {
        "dimension": "category", "dimension_label": "Category", "worst": "34", "best": "51", "worst_rate": 0.4,
        "best_rate": 0.1, "ratio": 4.0, "adjusted_p": 0.001, "pair_adjusted_p": 0.001, "model_significant": None,
        "model_same_pair": False}}
    template = environment(ROOT).from_string('{% from "partials/macros.j2" import finding_sentence with context %}'
                                             '{{ finding_sentence(f) }}')
    assert template.render(f=finding, diagnostics={"window": "Q3 2026"}).startswith("**Category 34 tickets breach 4.0× as often as category 51 tickets**")


def test_a_coverage_gap_names_the_hours_in_the_reports_zone():
    finding = {"kind": "coverage_gap", "facts": {"hour_ranges": ["20:00–22:00"], "breach_rate_in_hours": 0.5,
                                                 "ratio": 2.5, "breach_rate_other_hours": 0.2, "tickets_in_hours": 80,
                                                 "max_adjusted_p": 0.001}}
    template = environment(ROOT).from_string('{% from "partials/macros.j2" import finding_sentence with context %}'
                                             '{{ finding_sentence(f) }}')
    text = template.render(f=finding, report={"timezone": "America/Chicago", "scopes": {"period": "in Q3 2026"}})
    assert text.startswith("**Coverage gap.** Tickets created 20:00–22:00 America/Chicago in Q3 2026 miss")


def test_an_agent_id_is_written_as_it_is_unless_it_is_an_anonymised_code():
    assert fmt_segment("AG-025", "agent") == "AG-025"
    assert fmt_segment("jsmith", "agent") == "jsmith"       # an id, not a label to capitalise
    assert fmt_segment("Value 2", "agent") == "agent 2"     # the helpdesk log's anonymised resources
