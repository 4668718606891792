"""The static charts as WeasyPrint draws them, with less for it to parse (render/pdf.py ``lean_svg``): each style
attribute becomes the attributes WeasyPrint's cascade would set from it, and empty groups are left out."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from supportlens.render.pdf import lean_svg

NS = "{http://www.w3.org/2000/svg}"


def _elements(svg: bytes) -> list[tuple[str, dict]]:
    return [(e.tag.removeprefix(NS), dict(e.attrib)) for e in ET.fromstring(svg).iter()]


def test_styles_become_the_attributes_weasyprint_would_set_and_empty_groups_go():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" style="fill: blue;" width="10" height="10">'
           b'<g class="layer" style="opacity: 0.5;"><rect fill="red" style="fill: rgb(1, 2, 3); fill-opacity: 0.5;"/></g>'
           b'<g class="empty"/><g class="holds-empty"><g/></g>'
           b'<text style="font-family: Inter, \'Helvetica Neue\', sans-serif; font-size: 13px;">a &amp; b</text></svg>')
    assert _elements(lean_svg(svg)) == [
        ("svg", {"style": "fill: blue;", "width": "10", "height": "10"}),   # the root's style: WeasyPrint ignores it
        ("g", {"class": "layer", "opacity": "0.5"}),
        ("rect", {"fill": "rgb(1, 2, 3)", "fill-opacity": "0.5"}),          # the style wins over the attribute
        # WeasyPrint's tokenizer writes strings in double quotes
        ("text", {"font-family": 'Inter, "Helvetica Neue", sans-serif', "font-size": "13px"}),
    ]
    assert ET.fromstring(lean_svg(svg)).find(f"{NS}text").text == "a & b"


def test_an_important_style_and_a_group_with_an_id_are_kept():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: red !important;"/><g id="kept"/></svg>')
    assert _elements(lean_svg(svg))[1:] == [("rect", {"style": "fill: red !important;"}), ("g", {"id": "kept"})]


def test_an_svg_it_cannot_read_is_left_as_it_is():
    assert lean_svg(b"<svg>[1,") == b"<svg>[1,"
