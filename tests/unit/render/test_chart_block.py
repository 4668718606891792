"""A site chart is a div plus its figure as JSON in a <script type="application/json">, which no user string can break."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from supportlens.charts import Chart
from supportlens.render.markdown import render_markdown
from supportlens.render.pages import chart_block

HOSTILE = ["</script><script>alert(1)</script>", "<!--<script>", "Fish & <Chips>"]


def hostile_chart() -> Chart:
    figure = go.Figure(go.Bar(x=HOSTILE, y=[1, 2, 3], hovertemplate="%{x}<br>%{y}<extra></extra>"))
    return Chart(id="hostile", page="index", title="T", takeaway="K", alt='a "quoted" <alt>', figure=figure, table=[])


def test_the_spec_round_trips_user_strings_and_never_closes_its_script():
    html = render_markdown(str(chart_block(hostile_chart(), "site"))).html
    opening = '<script type="application/json" class="chart-spec" data-chart="chart-hostile">'
    assert html.count(opening) == 1
    content = html.split(opening, 1)[1].split("</script>", 1)[0]   # where an HTML parser ends the element
    assert "<!--" not in content and "</" not in content
    spec = json.loads(content)
    assert spec["data"][0]["x"] == HOSTILE
    assert spec["data"][0]["hovertemplate"] == "%{x}<br>%{y}<extra></extra>"
    assert spec["config"]["displaylogo"] is False
    assert ('<div id="chart-hostile" class="plotly-chart" style="min-height:450px" role="img" '
            'aria-label="a &#34;quoted&#34; &lt;alt&gt;"></div>') in html   # plotly.js's default height, kept until drawn
    assert html.replace(content, "").count("<script") == 1   # no inline code: assets/charts.js draws the spec


def test_print_charts_are_static_svgs():
    block = str(chart_block(hostile_chart(), "print"))
    assert '<img src="figures/hostile.svg"' in block and "chart-spec" not in block


def test_the_chart_keeps_its_height_until_it_is_drawn():
    chart = hostile_chart()
    chart.figure.update_layout(height=380)
    assert 'style="min-height:380px"' in str(chart_block(chart, "site"))


def test_the_data_behind_a_chart_opens_under_it_as_a_table():
    rows = [{"segment": name, "rate": 0.123456, "n": 1200, "ci_low": None, "flagged": i == 0}
            for i, name in enumerate(HOSTILE * 12)]   # 36 rows
    chart = Chart(id="t", page="index", title="T", takeaway="K", alt="A", figure=go.Figure(go.Bar(y=[1])), table=rows)
    html = render_markdown(str(chart_block(chart, "site"))).html
    table = html.split('<div class="chart-table">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 30                      # the header and the first 30 rows
    assert "<td>0.1235</td><td>1,200</td><td>—</td><td>yes</td>" in table
    assert "&lt;/script&gt;" in table and "</script><script>" not in table
    assert "the first 30 of 36 rows" in html and 'href="downloads/t.csv"' in html
    assert html.index("chart-takeaway") < html.index("chart-table")   # the takeaway first, then the data
    assert "chart-table" not in str(chart_block(chart, "print"))      # the PDF keeps its charts and tables apart
