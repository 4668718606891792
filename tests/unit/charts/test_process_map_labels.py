"""The process map (a Sankey) prints its labels where a reader can read them (issue 13: on the helpdesk log the
right column's "Resolve SW anomaly" and "Assign seriousness" overlapped and links crossed the labels). The
transitions below are the helpdesk log's 30 most frequent, as its build counts them."""

from __future__ import annotations


import pytest

from supportlens.charts.escalations import process_map

from print_checks import crowded_texts, svg_browser


HELPDESK = [
    ("Resolve ticket", "Closed", 4558, 720.0, True), ("Assign seriousness", "Take in charge ticket", 4160, 6.1, False),
    ("Take in charge ticket", "Resolve ticket", 3563, 2.7, False), ("Take in charge ticket", "Wait", 1265, 20.7, False),
    ("Wait", "Resolve ticket", 773, 216.8, False), ("Wait", "Take in charge ticket", 558, 119.3, False),
    ("Assign seriousness", "Assign seriousness", 439, 1.1, False), ("Assign seriousness", "Resolve ticket", 258, 1.7, False),
    ("Resolve ticket", "Resolve ticket", 254, 0.0, True), ("Resolve ticket", "Take in charge ticket", 154, 30.2, True),
    ("Wait", "Wait", 113, 23.6, False), ("Insert ticket", "Assign seriousness", 111, 0.1, False),
    ("Take in charge ticket", "Take in charge ticket", 99, 17.6, False), ("Require upgrade", "Resolve ticket", 82, 366.7, False),
    ("Take in charge ticket", "Require upgrade", 72, 73.4, False), ("Assign seriousness", "Wait", 69, 4.4, False),
    ("Take in charge ticket", "Create SW anomaly", 53, 0.1, False), ("Create SW anomaly", "Resolve ticket", 42, 372.6, False),
    ("Require upgrade", "Require upgrade", 16, 44.9, False), ("Closed", "Closed", 14, 0.0, True),
    ("Create SW anomaly", "Require upgrade", 11, 0.0, False), ("Assign seriousness", "Require upgrade", 8, 285.6, False),
    ("Require upgrade", "Wait", 8, 9.7, False), ("Create SW anomaly", "Resolve SW anomaly", 7, 218.7, False),
    ("Wait", "Require upgrade", 7, 113.6, False), ("Require upgrade", "Take in charge ticket", 6, 70.6, False),
    ("Resolve SW anomaly", "Resolve SW anomaly", 5, 0.0, False), ("Take in charge ticket", "Schedule intervention", 5, 23.4, False),
    ("Assign seriousness", "Create SW anomaly", 4, 239.2, False), ("Create SW anomaly", "Create SW anomaly", 4, 0.5, False),
]


def _context(edges=HELPDESK) -> dict:
    transitions = [{"source": s, "target": t, "count": n, "median_hours": h, "p90_hours": h, "from_done": done}
                   for s, t, n, h, done in edges]
    return {"method": {"escalations": {"process_map_edges": 30}},
            "escalations": {"handoffs": {"transitions": transitions, "slowest_transitions": []}}}


def _label_boxes(fig):
    """Each node label's vertical span in px from the plot's top, by column (annotations after the key)."""
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    boxes = {"left": [], "right": []}
    for a in fig.layout.annotations[1:]:
        lines = a.text.count("<br>") + 1
        centre = (1 - a.y) * plot
        boxes["left" if a.xanchor == "right" else "right"].append((centre - 7.5 * lines, centre + 7.5 * lines, a.y))
    return boxes


def test_node_labels_stand_beside_their_nodes_outside_the_links_and_apart():
    fig = process_map(_context()).figure
    sankey = fig.data[0]
    assert set(sankey.node.label) == {""}                   # no label drawn inside the diagram, over the links
    boxes = _label_boxes(fig)
    assert len(boxes["left"]) + len(boxes["right"]) == len(sankey.node.x)
    for column in boxes.values():
        column.sort()
        assert all(a[1] <= b[0] for a, b in zip(column, column[1:])), column    # one label's line never meets the next
    # each label at the height of its node's centre
    assert sorted(1 - y for y in sankey.node.y) == pytest.approx(sorted(b[2] for c in boxes.values() for b in c))


def test_the_printed_process_map_has_no_label_on_a_link_or_on_another_label(tmp_path):
    from supportlens.render.pdf import export_svgs

    export_svgs({"process_map": process_map(_context())}, tmp_path)     # as the build prints it
    with svg_browser() as browser:
        assert crowded_texts(tmp_path / "process_map.svg", browser) == []
