"""Which item of a list is the highest or the lowest: the one rule behind every "peak", "worst", "slowest" and
"quietest" a sentence of the report names (charts and templates read the index; they never pick).

Missing values (None, NaN) are never picked. A rate or median that rests on a handful of tickets is not picked
either: ``well_counted`` keeps the items with at least ``MIN_COUNT`` behind their value, and a pick is made among
those or not at all (one late ticket is a 100% breach rate, not the worst priority or the week's peak). Ties go to the first item in the list's order, so a sentence names
the earliest of equal weeks or months and the first of equal rows in the order the analysis listed them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")

MIN_COUNT = 30   # tickets (or completed SLAs) an item's value rests on before a sentence may name it the highest or lowest


def _valued(items: Sequence[T], value: Callable[[T], float | None], among: Iterable[int] | None) -> list[tuple[int, float]]:
    indices = range(len(items)) if among is None else among
    found = []
    for i in indices:
        v = value(items[i])
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            found.append((i, v))
    return found


def highest(items: Sequence[T], value: Callable[[T], float | None], among: Iterable[int] | None = None) -> int | None:
    """Index of the item with the largest value (of ``among``, default all); the first on a tie; None when no item
    has a value."""
    found = _valued(items, value, among)
    return max(found, key=lambda iv: iv[1])[0] if found else None


def lowest(items: Sequence[T], value: Callable[[T], float | None], among: Iterable[int] | None = None) -> int | None:
    """Index of the item with the smallest value (of ``among``, default all); the first on a tie; None when no item
    has a value."""
    found = _valued(items, value, among)
    return min(found, key=lambda iv: iv[1])[0] if found else None


def full_or_all(items: Sequence[T], partial: Callable[[T], bool], value: Callable[[T], float | None] | None = None) -> list[int]:
    """Indices of the items (with a value, when ``value`` is given) that are not partial (a week or month cut by the
    data's start or the as-of time), or of all of them when every one is partial: extremes are named among whole
    periods when there are any."""
    valued = [i for i, _ in _valued(items, value, None)] if value is not None else list(range(len(items)))
    return [i for i in valued if not partial(items[i])] or valued


def well_counted(items: Sequence[T], count: Callable[[T], int | None]) -> list[int]:
    """Indices of the items whose value rests on at least ``MIN_COUNT`` tickets or completed SLAs (``count``): pass
    them as ``among`` to ``highest``/``lowest``, which then pick none when no item has enough."""
    return [i for i, item in enumerate(items) if (count(item) or 0) >= MIN_COUNT]
