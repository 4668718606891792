"""When the data lacks what an analysis needs.

An analysis raises ``MissingData`` with a reason a reader understands; ``optional`` turns it
into a ``skipped`` entry shown in the report, and the result is ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class MissingData(Exception):
    """The data lacks what an analysis needs; the message says what it would need."""


class NotEnoughHistory(MissingData):
    """The data does not reach back far enough: too few weeks or months for a forecast, a seasonal
    decomposition or a model with a temporal split. ``optional`` skips it like any missing data."""


def optional(name: str, skipped: list[dict], func: Callable[..., T], *args, **kwargs) -> T | None:
    """Run an analysis that may lack its data; record why it was skipped."""
    try:
        return func(*args, **kwargs)
    except MissingData as reason:
        skipped.append({"analysis": name, "reason": str(reason)})
        return None
