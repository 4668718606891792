"""The columnar reading of ISO 8601 timestamp columns (normalise._iso_timestamps) gives the same times and the
same data-quality notes as the general rules, which read the same values held as Python strings; values it
does not read (a bare hour offset, padding, a blank marker) leave the whole column to the general rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from supportlens.dataset import Check
from supportlens.ingest.normalise import _iso_timestamps, parse_timestamps


def parsed(values: list[str | None], dtype: str, timezone: str = "UTC"):
    quality = []
    out = parse_timestamps(pd.Series(values, dtype=dtype), table="events", column="event_at", path=Path("x.csv"),
                           timezone=timezone, dayfirst=None, quality=quality)
    return out, quality


COLUMNS = {
    "offsets": ["2025-03-01T09:30:00+01:00", None, "2025-03-02T10:00:00Z", "2025-03-03T23:59:59.250+0000"],
    "no offsets, a spring gap": ["2025-03-30T02:30:00", "2025-03-30 01:15", None, "2025-10-26T02:30:00"],
    "dates only": [None, "2025-03-01", "2025-03-02"],
    "bare hour offset": ["2025-03-01T09:30:00+01", "2025-03-01T10:30:00+01"],
    "padded": [" 2025-03-01T09:30:00Z", "2025-03-01T10:30:00Z"],
    "blank marker": ["2025-03-01T09:30:00Z", "?", "2025-03-01T10:30:00Z"],
    "day first": ["2025-03-01T09:30:00Z", "13/03/2025 10:00"],
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_the_same_times_and_notes_as_the_general_rules(name):
    values = COLUMNS[name]
    try:
        general = parsed(values, "object", "Europe/Rome")
    except Exception as exc:  # noqa: BLE001 - then the columnar reading must fail the same way
        with pytest.raises(type(exc)):
            parsed(values, "string[pyarrow]", "Europe/Rome")
        return
    columnar = parsed(values, "string[pyarrow]", "Europe/Rome")
    pd.testing.assert_series_equal(columnar[0], general[0])
    assert columnar[1] == general[1]


def test_it_reads_only_what_it_should():
    quality = []
    read = lambda values: _iso_timestamps(pd.Series(values, dtype="string[pyarrow]"), "UTC",  # noqa: E731
                                          table="events", column="event_at", quality=quality)
    assert read(COLUMNS["offsets"]).tolist() == [pd.Timestamp("2025-03-01T08:30:00Z"), pd.NaT,
                                                 pd.Timestamp("2025-03-02T10:00:00Z"),
                                                 pd.Timestamp("2025-03-03T23:59:59.250Z")]
    for name in ("bare hour offset", "padded", "blank marker", "day first"):
        assert read(COLUMNS[name]) is None
    assert read([None, None]) is None
    # a column of dates without a time of day is said to be one; the unzoned one's zone is said too
    quality.clear()
    read(COLUMNS["dates only"])
    assert [q.check for q in quality] == [Check.TIMEZONE_ASSUMED, Check.DATE_ONLY]
    assert quality[1].rows == 2 and quality[1].example == "2025-03-01"
