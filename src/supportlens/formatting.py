"""Formatting filters, registered in one place for the templates and the chart texts.

They format; they never compute a result. ``None`` becomes an em dash.
"""

from __future__ import annotations

import html
import math
import re

from markupsafe import Markup, escape

from .labels import code_number, is_coded

DASH = "—"


def fmt_int(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f}"


def fmt_num(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:,.{digits}f}"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    """0.1234 -> '12.3%'"""
    return DASH if value is None else f"{value * 100:.{digits}f}%"


def fmt_minutes(value: float | None) -> str:
    """A duration in minutes, in the unit a reader would use."""
    if value is None:
        return DASH
    if value < 90:
        return f"{value:.0f} min"
    return fmt_hours(value / 60)


def fmt_hours(value: float | None) -> str:
    if value is None:
        return DASH
    if value < 48:
        return f"{value:.1f} h"
    days = value / 24
    return f"{days:,.1f} days" if days < 1000 else f"{days:,.0f} days"


NBSP = "\u00a0"
# a table column's durations in one unit: minutes while its typical value is under an hour, hours under two days
DURATION_UNITS = (("min", 1.0, 60.0), ("h", 60.0, 48 * 60.0), ("days", 1440.0, math.inf))


def duration_unit(values: list[float | None], source: str = "min") -> str:
    """The one unit a table column of durations (in ``source`` units, 'min' or 'h') is written in: 'min', 'h' or
    'days', from the median of its values, so a column never mixes '83 min' with '1.6 h' nor writes 16.7 h as
    '1,001.0 min'."""
    scale = _MINUTES_PER[source]
    minutes = sorted(abs(v) * scale for v in values if v is not None)   # an overdue time (negative) reads as its size
    if not minutes:
        return "h"
    typical = minutes[len(minutes) // 2]
    return next(name for name, _, below in DURATION_UNITS if typical < below)


_MINUTES_PER = {name: size for name, size, _ in DURATION_UNITS}


def fmt_duration(value: float | None, unit: str, source: str = "min") -> str:
    """A duration given in ``source`` units ('min' or 'h') written in ``unit`` ('min', 'h', 'days'):
    1001 min in 'h' -> '16.7 h'."""
    if value is None:
        return DASH
    digits = 0 if unit == "min" else 1
    return f"{value * _MINUTES_PER[source] / _MINUTES_PER[unit]:,.{digits}f}{NBSP}{unit}"


def has_values(rows: list[dict], path: str) -> bool:
    """Whether any row has a value at ``path`` ('csat.value'): a table leaves out a column that would be all dashes."""
    def at(row):
        for key in path.split("."):
            row = row.get(key) if isinstance(row, dict) else None
        return row
    return any(at(row) is not None for row in rows)


def same_values(rows: list[dict], first: str, second: str) -> bool:
    """Whether two fields hold the same value in every row: a table shows such a pair of columns once."""
    return all(row.get(first) == row.get(second) for row in rows)


_PLAIN = {"share": fmt_pct, "score": lambda v: fmt_num(v, 2), "number": fmt_num, "int": fmt_int,
          "ratio": lambda v: fmt_num(v, 2), "auc": lambda v: fmt_num(v, 3)}


def fmt_interval(value: float | None, low: float | None, high: float | None, unit: str, source: str = "min") -> Markup:
    """A value and its 95% interval in one unit, neither broken across lines: '16.7 h (14.2–19.0 h)', '12.3% (10.1–14.5%)'.
    ``unit`` is 'share', 'score', 'ratio' (2 decimals), 'auc' (3), 'number' (1), 'int' or a duration unit ('min', 'h', 'days', the values then in
    ``source`` units). An interval that reads the same as its value at the precision shown ('4.0 days (4.0 days–
    4.0 days)', '0.0% (0.0%–0.0%)') or lacks an end is left out."""
    fmt = _PLAIN.get(unit) or (lambda v: fmt_duration(v, unit, source))
    shown = fmt(value)
    if value is None or low is None or high is None or fmt(low) == fmt(high) == shown:
        return Markup('<span class="nowrap">{}</span>').format(shown)
    low_text, high_text = fmt(low), fmt(high)
    suffix = next((end for end in ("%", *(NBSP + name for name in _MINUTES_PER))
                   if low_text.endswith(end) and high_text.endswith(end)), "")
    if suffix:   # the unit once, after the upper end
        low_text = low_text[: -len(suffix)]
    # value and interval may stand on two lines in a narrow column; each stays whole
    return Markup('<span class="nowrap">{}</span> <span class="nowrap">({}–{})</span>').format(shown, low_text, high_text)


def fmt_value(value: float | None, unit: str) -> str:
    """A KPI value in its unit."""
    return {"share": fmt_pct, "minutes": fmt_minutes, "hours": fmt_hours, "tickets": fmt_int,
            "score": lambda v: fmt_num(v, 2)}[unit](value)


def fmt_change(change: float | None, unit: str) -> str:
    """Signed change of a KPI: '+2.1 pp', '−15 min', '+3.0%'."""
    if change is None:
        return DASH
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    size = abs(change)
    if unit == "share":
        return f"{sign}{size * 100:.1f} pp"
    if unit == "score":
        return f"{sign}{size:.2f}"
    return sign + fmt_value(size, unit)


def fmt_change_interval(change: float | None, low: float | None, high: float | None, unit: str) -> Markup:
    """A signed change and its 95% interval on one line that never wraps, the unit once after the upper end:
    '−1.7 pp (−3.4 to +0.0 pp)', '+0.31 (+0.19 to +0.42)' (``unit`` as ``fmt_change``'s). Without both ends, the
    change alone."""
    shown = fmt_change(change, unit)
    if change is None or low is None or high is None:
        return Markup('<span class="nowrap">{}</span>').format(shown)
    low_text, high_text = fmt_change(low, unit), fmt_change(high, unit)
    suffix = " pp" if unit == "share" else ""
    return Markup('<span class="nowrap">{} ({} to {})</span>').format(
        shown, low_text.removesuffix(suffix) if suffix else low_text, high_text)


def fmt_p(value: float | None) -> str:
    if value is None:
        return DASH
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()+!|])")


def md_escape(value: object) -> Markup:
    """Escape a user-supplied string for HTML, then for Markdown (table cells, inline text)."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escape(value))))


def sparkline(values: list[float | None], width: int = 96, height: int = 24) -> str:
    """An inline SVG polyline of a KPI's monthly values (formatting, not analysis)."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    coords = " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in points)
    return (f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
            f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{coords}"/></svg>')


def fmt_activity(label: str | None) -> str:
    """An activity label for display: 'public_reply' -> 'Public reply'; labels with capitals or spaces as exported."""
    if label is None:
        return DASH
    return label.replace("_", " ").capitalize() if label.islower() and " " not in label else label


def fmt_money(value: float | None, currency: str = "") -> str:
    """12345.6 -> 'USD 12.3k'; negative values keep their sign: '−USD 4.1k'."""
    if value is None:
        return DASH
    size = abs(value)
    text = f"{size / 1e6:,.2f}M" if size >= 1e6 else f"{size / 1e3:,.1f}k" if size >= 1e3 else f"{size:,.0f}"
    return ("−" if value < 0 else "") + (f"{currency} " if currency else "") + text


def recommendation_title(rec: dict, zone: str = "UTC") -> str:
    """The one-line name of a recommendation, from its kind and facts; ``zone``: the report's time zone, which
    names the hours of a coverage block."""
    x = rec["facts"]
    if rec["kind"] == "coverage":
        block = x["block"]
        extra = block["extra_agents"]
        return (f"Cover {block['days_label']} {', '.join(block['hour_ranges'])} {zone} "
                f"(up to +{extra} agent{'s' if extra != 1 else ''} an hour)")
    if rec["kind"] == "priority_team":
        return f"A dedicated team for {x['priority']}-priority tickets"
    if rec["kind"] == "account_management":
        count = len(x["accounts"])
        return f"Proactive account management for {count} dominant account{'s' if count != 1 else ''}"
    if rec["kind"] == "self_service":
        # a coded category is named as what it is ('category 3'), without quotes: it is not the export's own word
        names = [fmt_segment(c["category"], "category") if is_coded(c["category"])
                 else f"“{fmt_segment(c['category'], 'category')}”" for c in x["categories"]]
        return "Self-service and auto-routing for " + (" and ".join(names) if len(names) <= 2
                                                       else ", ".join(names[:-1]) + " and " + names[-1])
    if rec["kind"] == "escalation":
        return f"Handoff target and proactive updates at {x['handoff']['from_label']} → {x['handoff']['to_label']}"
    return "Review the tickets the risk model flags at creation"


_VERBATIM_DIMENSIONS = ("hour", "weekday", "tenure_band")
_ID_DIMENSIONS = ("agent",)   # ids: written as they are, unless an anonymised code ('Value 2' -> 'agent 2')


def fmt_segment(label: str | None, dimension: str | None = None) -> str:
    """A segment label for reading: 'login_access' -> 'Login access', country 'de' -> 'DE', category '34' ->
    'category 34' (a bare number in a sentence or on an axis would read as a count), category 'Value 3' -> 'category 3'
    (an anonymised code, ``labels.is_coded``, is written as what it is)."""
    if label is None:
        return DASH
    text = str(label)
    if text in ("(not set)", "other") or dimension in _VERBATIM_DIMENSIONS:
        return text
    if dimension == "country" and len(text) <= 3:
        return text.upper()
    number = code_number(text)
    if dimension in _ID_DIMENSIONS and number is None:
        return text
    if dimension and number is not None:   # a code says what it is ('Value 3' -> 'category 3'); a bare number
        return f"{dimension.replace('_', ' ')} {number}"   # would read as a count ('34' -> 'category 34')
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]


_SENTENCE_START = re.compile(r"^([\s*_\[(“\"]*)(\w)")


def upper_first(text: str) -> str:
    """A sentence starts with a capital, after any leading emphasis or bracket: '**category 34 tickets breach' ->
    '**Category 34 tickets breach', 'over the whole span …' -> 'Over the whole span …' (a segment label or a
    scope phrase may open a sentence in lower case)."""
    out = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), str(text), count=1)
    return Markup(out) if isinstance(text, Markup) else out


def lower_first(text: str) -> str:
    """'Hour created (UTC)' -> 'hour created (UTC)': lower-case a label inside a sentence, keep acronyms."""
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


def plotly_text(value: object) -> str:
    """A user-supplied string for a chart: Plotly reads a few HTML tags in labels, so <, > and & become entities
    (which Plotly shows as the characters)."""
    return html.escape(str(value), quote=False)


def fmt_metric(value: float | None, metric: str) -> str:
    """A segment metric in its unit (see analysis.drivers.segments.METRICS)."""
    unit = {"resolution_breach": "share", "first_response_breach": "share", "first_response": "minutes",
            "resolution": "hours", "csat": "score"}.get(metric, metric)
    return fmt_value(value, unit)


_COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def fmt_count_word(value: int | None) -> str:
    """A small count in words, as prose writes it ("the ten agents"); 13 and more in digits."""
    if value is None:
        return "—"
    return _COUNT_WORDS[int(value)] if 0 <= int(value) < len(_COUNT_WORDS) else fmt_int(value)


def fmt_plural(value: float | None, singular: str, plural: str | None = None) -> str:
    """A count and its noun, agreeing: 1 ticket, 2 tickets, 1,204 tickets; None is an em dash."""
    if value is None:
        return DASH
    word = singular if round(value) == 1 else (plural or singular + "s")
    return f"{fmt_int(value)} {word}"


FILTERS = {
    "money": fmt_money, "rec_title": recommendation_title,
    "int": fmt_int, "num": fmt_num, "pct": fmt_pct, "minutes": fmt_minutes, "hours": fmt_hours,
    "kpi_value": fmt_value, "change": fmt_change, "p": fmt_p, "md": md_escape, "sparkline": sparkline,
    "activity": fmt_activity,
    "segment": fmt_segment, "metric": fmt_metric, "lower_first": lower_first, "upper_first": upper_first, "count_word": fmt_count_word,
    "plural": fmt_plural, "duration": fmt_duration, "duration_unit": duration_unit, "interval": fmt_interval,
    "change_interval": fmt_change_interval,
    "has_values": has_values, "same_values": same_values,
}
