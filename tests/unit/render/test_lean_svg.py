"""The static charts as WeasyPrint draws them, with less for it to do (render/pdf.py ``lean_svg``): each style
attribute becomes the attributes WeasyPrint's cascade would set from it; what draws nothing (empty groups, the
browser's hints, defaults) is left out; a group that only sets inherited properties is left out, its children
given them; ``rgb()`` colours are written in hexadecimal; a text moved by a translation is placed by its x and y.
Checked against WeasyPrint's own cascade and its pixels."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from supportlens.render.pdf import _weasyprint, lean_svg

NS = "{http://www.w3.org/2000/svg}"


def _elements(svg: bytes) -> list[tuple[str, dict]]:
    return [(e.tag.removeprefix(NS), dict(e.attrib)) for e in ET.fromstring(svg).iter()]


def _cascaded(svg: bytes) -> list[tuple[str, dict, str | None]]:
    """Every element but the groups, in drawing order, with the attributes WeasyPrint's cascade gives it."""
    _weasyprint()
    from weasyprint.svg import SVG

    drawn = []

    def walk(node) -> None:
        for child in node:
            if child.tag != "g":
                drawn.append((child.tag, dict(child.attrib), child.text))
            walk(child)

    walk(SVG(ET.fromstring(svg), None, None).tree)
    return drawn


def test_styles_become_the_attributes_weasyprint_would_set_and_empty_groups_go():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" style="fill: blue;" width="10" height="10">'
           b'<g class="layer" style="opacity: 0.5;"><rect fill="red" style="fill: rgb(1, 2, 3); fill-opacity: 0.5;"/></g>'
           b'<g class="empty"/><g class="holds-empty"><g/></g>'
           b'<text style="font-family: Inter, \'Helvetica Neue\', sans-serif; font-size: 13px;">a &amp; b</text></svg>')
    assert _elements(lean_svg(svg)) == [
        ("svg", {"style": "fill: blue;", "width": "10", "height": "10"}),   # the root's style: WeasyPrint ignores it
        ("g", {"opacity": "0.5"}),                                          # no style sheet: a group's class goes
        ("rect", {"fill": "#010203", "fill-opacity": "0.5"}),               # the style wins over the attribute
        # WeasyPrint's tokenizer writes strings in double quotes
        ("text", {"font-family": 'Inter, "Helvetica Neue", sans-serif', "font-size": "13px"}),
    ]
    assert ET.fromstring(lean_svg(svg)).find(f"{NS}text").text == "a & b"


def test_an_important_style_and_a_group_with_an_id_are_kept():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: red !important;"/><g id="kept"/></svg>')
    assert _elements(lean_svg(svg))[1:] == [("rect", {"style": "fill: red !important;"}), ("g", {"id": "kept"})]


def test_an_svg_it_cannot_read_is_left_as_it_is():
    assert lean_svg(b"<svg>[1,") == b"<svg>[1,"


# Plotly's way: layers of groups that set nothing or only inherited properties, defaults written out
PLOTLY_LIKE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" class="main-svg" width="100" height="50">'
    b'<defs><g class="clips"><clipPath id="clip1"><rect width="80" height="40"/></clipPath></g></defs>'
    b'<g class="layer" opacity="1"><g class="trace" stroke-miterlimit="2" fill="rgb(0, 114, 178)" fill-opacity="0.5">'
    b'<path class="point" d="M0,0H10V10Z" opacity="1" vector-effect="none" fill-opacity="1" stroke-opacity="1"'
    b' pointer-events="all" data-index="0"/>'
    b'<rect x="1" y="2" width="3" height="4" fill="rgb(255, 255, 255)" stroke="rgb(68,68,68)" stroke-opacity="1"/>'
    b'</g>'
    b'<g class="axis" transform="translate(5,0)" clip-path="url(#clip1)"><text x="0" y="9" text-anchor="end"'
    b' font-size="13px" fill="rgb(31, 41, 51)" fill-opacity="1" cursor="default">12%</text></g>'
    b'<g class="half" opacity="0.5"><g class="inner"><path d="M1,1L2,2" stroke="rgba(0, 0, 0, 0.3)"/></g></g>'
    b'</g></svg>')


def test_groups_that_only_pass_on_inherited_properties_go_and_defaults_are_left_out():
    assert _elements(lean_svg(PLOTLY_LIKE)) == [
        ("svg", {"width": "100", "height": "50"}),
        ("defs", {}),
        ("clipPath", {"id": "clip1"}),                                  # the group around it set nothing
        ("rect", {"width": "80", "height": "40"}),
        # the trace's group gives its children what they do not set; the path's fill-opacity of 1 is kept (it
        # overrides the group's 0.5), its stroke-opacity of 1 is the default and goes
        # a drawn element keeps its class (the print checks find a Sankey's links by theirs); a group's goes
        ("path", {"class": "point", "d": "M0,0H10V10Z", "fill-opacity": "1", "stroke-miterlimit": "2",
                  "fill": "#0072b2"}),
        ("rect", {"x": "1", "y": "2", "width": "3", "height": "4", "fill": "#ffffff", "stroke": "#444444",
                  "stroke-miterlimit": "2", "fill-opacity": "0.5"}),
        # a group that moves, clips or fades what it holds stays
        ("g", {"transform": "translate(5,0)", "clip-path": "url(#clip1)"}),
        ("text", {"x": "0", "y": "9", "text-anchor": "end", "font-size": "13px", "fill": "#1f2933"}),
        ("g", {"opacity": "0.5"}),
        ("path", {"d": "M1,1L2,2", "stroke": "rgba(0, 0, 0, 0.3)"}),  # a colour with its alpha is left as it is
    ]


def _drawn_the_same(attributes: dict) -> dict:
    """What WeasyPrint draws from an element's attributes: the dropped hints and defaults, colours as values."""
    from tinycss2.color4 import parse_color

    kept = {}
    for name, value in attributes.items():
        if name in ("class", "pointer-events", "cursor") or name.startswith("data-"):
            continue
        if (name, value) in (("opacity", "1"), ("vector-effect", "none"), ("fill-opacity", "1"),
                             ("stroke-opacity", "1")):
            continue
        kept[name] = tuple(parse_color(value)) if name in ("fill", "stroke") and parse_color(value) else value
    return kept


def test_weasyprint_cascades_the_same_attributes_to_every_element_it_draws():
    before = [(tag, _drawn_the_same(attributes), text) for tag, attributes, text in _cascaded(PLOTLY_LIKE)]
    after = [(tag, _drawn_the_same(attributes), text) for tag, attributes, text in _cascaded(lean_svg(PLOTLY_LIKE))]
    assert after == before
    # and the fill-opacity each draws with, by hand: the trace's 0.5 for the rect, the path's own 1, the text's 1
    opacities = {tag: attributes.get("fill-opacity", "1") for tag, attributes, _ in _cascaded(lean_svg(PLOTLY_LIKE))
                 if tag in ("rect", "text")}
    assert opacities == {"rect": "0.5", "text": "1"}


def test_classes_are_kept_for_a_style_sheet():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><style>.a { fill: red; }</style>'
           b'<g class="a"><rect class="a" width="1" height="1"/></g></svg>')
    assert [attributes.get("class") for _, attributes in _elements(lean_svg(svg))] == [None, None, "a", "a"]


TICKS = (b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
         b'<text text-anchor="middle" x="0" y="20.6" transform="translate(48.5,0)" font-size="13px">Critical</text>'
         b'<text text-anchor="end" x="63" y="4.55" transform="translate(0, 40)" font-size="13px">0.25</text>'
         b'<text x="1" transform="translate(100 30)" font-size="13px"><tspan x="0" dy="1em">two</tspan></text>'
         b'<text x="5" y="5" transform="translate(150,10)" clip-path="url(#c)" font-size="13px">clipped</text>'
         b'<text x="1 2" y="5" transform="translate(150,50)" font-size="13px">ab</text></svg>')


def test_a_text_moved_by_a_translation_is_placed_by_its_x_and_y():
    texts = [attributes for tag, attributes in _elements(lean_svg(TICKS)) if tag == "text"]
    assert [(t.get("x"), t.get("y"), t.get("transform")) for t in texts] == [
        ("48.5", "20.6", None), ("63", "44.55", None),
        ("1", None, "translate(100 30)"),            # a tspan of its own places itself: left as it is
        ("5", "5", "translate(150,10)"),             # clipped in its moved coordinates: left as it is
        ("1 2", "5", "translate(150,50)")]           # a position per letter: left as it is


PATHS = (b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
         b'<path transform="translate(0,21.63)" d="M4,0h172" stroke="#444" stroke-width="1px"/>'
         b'<path transform="translate(60,40)" d="M3,0A3,3 0 1,1 0,-3A3,3 0 0,1 3,0Z" fill="#0072b2"/>'
         b'<path transform="translate(5, 50)" d="m1,2 3,4l5,-6H20V9C1 2 3 4 5 6z" stroke="red" fill="none"/>'
         b'<path transform="translate(80,60)" d="M0,0a3,3 0 1110,10" stroke="red" fill="none"/>'
         b'<path transform="translate(90,70)" d="M0,0H10V5Z" clip-path="url(#c)"/>'
         b'<path transform="translate(100,10) scale(2)" d="M0,0H10V5Z"/></svg>')


def test_a_path_moved_by_a_translation_has_its_absolute_coordinates_moved():
    paths = [attributes for tag, attributes in _elements(lean_svg(PATHS)) if tag == "path"]
    # worked out by hand
    assert [(p["d"], p.get("transform")) for p in paths] == [
        ("M 4,21.63 h 172", None),
        ("M 63,40 A 3,3,0,1,1,60,37 A 3,3,0,0,1,63,40 Z", None),
        ("m 6,52 3,4 l 5,-6 H 25 V 59 C 6,52,8,54,10,56 z", None),   # the first moveto is absolute, its next pair not
        ("M0,0a3,3 0 1110,10", "translate(80,60)"),            # arc flags written together: left as it is
        ("M0,0H10V5Z", "translate(90,70)"),                    # clipped in its moved coordinates
        ("M0,0H10V5Z", "translate(100,10) scale(2)")]          # not a translation alone


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_weasyprint_draws_the_same_pixels(tmp_path):
    from supportlens.render.pdf import _render

    def pixels(name: str, svg: bytes) -> bytes:
        (tmp_path / f"{name}.svg").write_bytes(svg)
        html = f'<style>@page {{ size: 120mm 80mm; margin: 0 }} img {{ width: 100% }}</style><img src="{name}.svg">'
        (tmp_path / f"{name}.pdf").write_bytes(_render(html, tmp_path).write_pdf())
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
        return next(tmp_path.glob(f"{name}-*.png")).read_bytes()

    for n, svg in enumerate((PLOTLY_LIKE, TICKS, PATHS)):
        assert pixels(f"lean{n}", lean_svg(svg)) == pixels(f"plotly{n}", svg)
