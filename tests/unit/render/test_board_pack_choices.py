"""What the board pack (report.pdf) leaves out and how it words what it keeps (issue 13): a page the data cannot
answer is left out and named in one line on the summary; priorities are never compared by a ratio across their own
targets; a share axis ends at 100%."""

from __future__ import annotations

from types import SimpleNamespace

import plotly.graph_objects as go

from supportlens.analysis.core.answered import sections_unanswered, unanswered_questions
from supportlens.analysis.core.missing import Skip, Skipped
from supportlens.charts.base import cap_share_axes
from supportlens.pages import APPENDIX, PRINTED, REPORT
from supportlens.render.pages import environment
from supportlens.render.pdf import printed_pages, sections_unanswered as unanswered_of, split_page

from support import ROOT

NO_CREATION = "needs the tickets' creation time, which the export does not have"


def _summary(differs: list[str]):
    return SimpleNamespace(differs=differs)


def _answered_everything():
    """Every analysis present, a difference found and an action that pays back: nothing is left out."""
    diagnostics = SimpleNamespace(
        segments=SimpleNamespace(summary=[_summary(["channel"])]), trends=SimpleNamespace(weekly=[1]),
        workload=SimpleNamespace(groups=[1], categories=[]), accounts=object())
    actions = SimpleNamespace(staffing=object(), recommendations=[SimpleNamespace(pays_back=True)])
    return diagnostics, actions


def test_a_complete_export_leaves_nothing_out():
    diagnostics, actions = _answered_everything()
    assert unanswered_questions({"breached": 5, "achieved": 10}, [], diagnostics, object(), actions) == []


def test_an_export_without_creation_times_leaves_out_every_page_that_needs_them_in_one_line_each_reason():
    skipped = [Skipped.of(Skip.DURATIONS, "the export has no ticket-creation time, so no duration can be measured"),
               Skipped.of(Skip.DIAGNOSTICS, NO_CREATION), Skipped.of(Skip.ACTIONS, NO_CREATION),
               Skipped.of(Skip.ESCALATION_PROCESS, "needs an event log")]
    diagnostics = SimpleNamespace(segments=None, trends=None, workload=None, accounts=None)
    found = unanswered_questions({"breached": 0, "achieved": 0}, skipped, diagnostics, None, None)
    by_reason = {u.reason: u.pages for u in found}
    assert by_reason == {
        "the export has no ticket-creation time, so no duration can be measured": ["sla"],
        NO_CREATION: ["drivers", "trends", "staffing", "workload", "accounts", "recommendations"],
        "needs an event log": ["escalations"]}
    assert [u.pages[0] for u in found] == ["sla", "drivers", "escalations"]     # in page order
    assert found[1].questions[:2] == ["Why we breach", "Trends"]


def test_no_difference_no_candidate_and_no_paying_action_are_left_out_too():
    diagnostics, actions = _answered_everything()
    diagnostics.segments.summary = [_summary([]), _summary([])]
    diagnostics.workload = SimpleNamespace(groups=[], categories=[SimpleNamespace(candidate=False)])
    actions.recommendations = [SimpleNamespace(pays_back=False)]
    found = {page: u.reason for u in unanswered_questions({"achieved": 3}, [], diagnostics, object(), actions)
             for page in u.pages}
    assert set(found) == {"drivers", "workload", "recommendations"}
    assert "does not pay back" in found["recommendations"]


def test_the_board_pack_prints_only_the_pages_the_data_answers_and_the_appendix_prints_them_all():
    context = {"unanswered": [{"pages": ["drivers", "escalations"], "questions": ["Why we breach", "Escalations"],
                               "reason": "needs an event log"}]}
    board = [page.id for page in printed_pages(context, REPORT)]
    assert "drivers" not in board and "escalations" not in board and {"index", "sla", "recommendations"} <= set(board)
    assert "drivers" in [page.id for page in printed_pages(context, APPENDIX)]
    assert len(printed_pages({"unanswered": []}, REPORT)) == len(board) + 2


def test_the_summary_names_what_the_pack_leaves_out_in_one_line_each():
    template = environment(ROOT).from_string(
        '{% for u in unanswered %}- **{{ u.questions | join(", ") }}**: {{ u.reason | md }}.\n{% endfor %}')
    text = template.render(unanswered=[{"pages": ["accounts"], "questions": ["Accounts"],
                                        "reason": "needs the account of each ticket"}])
    assert text.strip() == "- **Accounts**: needs the account of each ticket."
    page = (ROOT / "src" / "supportlens" / "templates" / "pages" / "index.qmd.j2").read_text()
    assert "for u in unanswered" in page


def _difference(dimension: str, metric: str, own_targets: bool) -> str:
    template = environment(ROOT).from_string('{% from "partials/diagnostics.j2" import difference %}'
                                             '{{ difference(d, c) }}')
    c = {"metric": metric, "worst": "high", "best": "low", "worst_value": 0.368, "best_value": 0.041, "ratio": 9.1,
         "test": "chi-square", "adjusted_p": 0.0001, "effect_size": 0.27, "effect_size_name": "Cramér's V",
         "pair_adjusted_p": 0.0001, "pairs_significant": 1, "pairs_tested": 1, "own_targets": own_targets}
    return template.render(d={"id": dimension}, c=c)


def test_priorities_are_each_read_against_their_own_target_never_by_a_ratio():
    text = _difference("priority", "resolution_breach", True)
    assert "×" not in text and "as often as" not in text
    assert "**High**-priority tickets miss their own resolution target most often" in text
    assert "9.1× as often as" in _difference("channel", "resolution_breach", False)   # like segments: a ratio


def test_a_share_axis_ends_at_one_hundred_percent():
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[0.3, 0.97, 1.0]))
    fig.update_yaxes(tickformat=".0%")
    assert tuple(cap_share_axes(fig).layout.yaxis.range) == (0, 1)
    # a rate well below 100% keeps Plotly's own range; counts and axes with a range of their own are left alone
    low = go.Figure(go.Scatter(x=[1, 2], y=[0.1, 0.4]))
    low.update_yaxes(tickformat=".0%")
    assert cap_share_axes(low).layout.yaxis.range is None
    counts = go.Figure(go.Bar(x=["a", "b"], y=[10, 200]))
    counts.update_yaxes(tickformat=",d")
    assert cap_share_axes(counts).layout.yaxis.range is None
    bars = go.Figure(go.Bar(y=["a", "b"], x=[0.5, 0.9], orientation="h",
                            error_x=dict(type="data", array=[0.05, 0.08])))
    bars.update_xaxes(tickformat=".0%")
    assert tuple(cap_share_axes(bars).layout.xaxis.range) == (0, 1)   # the interval's end reaches 98%


def test_a_handoff_matrix_with_no_handoff_to_rank_is_left_to_the_appendix():
    # the helpdesk log: every handoff seen fewer times than the minimum, so there is no slowest handoff to name
    unranked = SimpleNamespace(handoffs=SimpleNamespace(bottleneck=None))
    ranked = SimpleNamespace(handoffs=SimpleNamespace(bottleneck=object()))
    assert sections_unanswered(unranked) == ["escalations#handoffs"]
    assert sections_unanswered(ranked) == []
    assert sections_unanswered(None) == []         # no event log: the whole page is unanswered instead
    # and the board pack prints the section in the appendix only
    page = next(p for p in PRINTED if p.id == "escalations")
    html = '<p>intro</p><h2 id="escalations-handoffs">Handoffs</h2><p>matrix</p>'
    context = {"sections_unanswered": sections_unanswered(unranked)}
    parts = split_page(html, page, unanswered_of(context, page))
    assert parts[REPORT] == "<p>intro</p>" and "matrix" in parts[APPENDIX]
    assert "matrix" in split_page(html, page, unanswered_of({"sections_unanswered": []}, page))[REPORT]
