"""The report's one colour system, for the charts and (as CSS custom properties) the site and the PDF.

Okabe–Ito, distinguishable with the common colour-vision deficiencies. Two of its colours carry a verdict and
nothing else: green is *good* (meets its target, pays back), vermillion is *bad* (misses its target, significantly
worse, a shortfall); grey is *neutral* (no clear difference, no target). Series — the lines and bars that are
just different things (first response and resolution, priorities, groups) — take the other colours, so a reader
never has to ask whether an orange line is a warning.
"""

from __future__ import annotations

OKABE_ITO = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "grey": "#7f7f7f",
}

STATUS = {"good": OKABE_ITO["green"], "bad": OKABE_ITO["vermillion"], "neutral": "#9aa5b1"}
# text on white needs more contrast than a bar: the same hues, darker
STATUS_TEXT = {"good": "#007a5a", "bad": "#b3401a", "neutral": "#52606d"}

SERIES = [OKABE_ITO[name] for name in ("blue", "orange", "sky", "purple", "yellow", "grey")]
PRIORITY_COLOURS = {"critical": OKABE_ITO["purple"], "high": OKABE_ITO["orange"], "normal": OKABE_ITO["blue"],
                    "low": OKABE_ITO["sky"]}

# what each status colour means, for the legends beside coloured marks (KPI tiles)
STATUS_MEANING = {"good": "meets its target", "bad": "misses its target", "neutral": "no target"}


def css_variables() -> str:
    """The colours as CSS custom properties (``--good``, ``--bad-text``, ``--series-1`` …) for the site and print CSS."""
    rules = [f"--{name}: {colour};" for name, colour in STATUS.items()]
    rules += [f"--{name}-text: {colour};" for name, colour in STATUS_TEXT.items()]
    rules += [f"--series-{n}: {colour};" for n, colour in enumerate(SERIES, start=1)]
    return ":root { " + " ".join(rules) + " }"
