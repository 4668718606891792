"""The risk model's features held compactly: the same values as the plain conversions, worked out independently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from supportlens.analysis.risk.features import _as_categories, _prior_same_account


@pytest.mark.parametrize("values", [
    pd.Series(pd.Categorical(["web", None, "email", "web", "unknown"])),
    pd.Series(["web", None, "email", "web", "unknown"], dtype="string"),
    pd.Series(["web", None, "email", "web", "unknown"], dtype=object),
    pd.Series([1.5, None, 2.0, 1.5, 3.0]),
    pd.Series(pd.Categorical([3, 1, None, 3])),
])
def test_categories_hold_the_texts_of_the_plain_conversion(values):
    """A categorical column of texts, one code per ticket: each ticket reads the text astype("string") and
    "unknown" for a missing value give (an existing "unknown" and a missing value share one category)."""
    compact = _as_categories(values)
    assert isinstance(compact.dtype, pd.CategoricalDtype)
    assert compact.astype(object).tolist() == values.astype("string").fillna("unknown").astype(object).tolist()
    assert compact.cat.categories.is_unique and compact.index.equals(values.index)


def test_categories_taken_at_rows_are_the_rows_texts():
    accounts = pd.Series(["gold", None, "silver"], dtype="string")
    rows = np.array([2, 0, -1, 1, 2])                       # -1: a ticket whose account is not in the table
    compact = _as_categories(accounts, rows, pd.RangeIndex(5))
    assert compact.astype(object).tolist() == ["silver", "gold", "unknown", "unknown", "silver"]


def test_prior_tickets_of_the_same_account_counted_by_hand():
    day = 86_400 * 10**9
    created = np.array([0, 1, 2, 40, 5, 31, 6], dtype=np.int64) * day
    account = pd.Series(["a", "a", "b", "a", None, "a", "b"], dtype="string")
    # a: days 0, 1, 40, 31 -> 0, 1 (day 0), 1 (day 31: days 1..31 -> day 1), 1 (day 40: days 10..40 -> day 31)
    # b: days 2, 6 -> 0, 1; no account -> NaN
    counts = _prior_same_account(account, created)
    assert counts[[0, 1, 2, 3, 5, 6]].tolist() == [0, 1, 0, 1, 1, 1] and np.isnan(counts[4])
    # against a count of every pair, on a larger random table
    rng = np.random.default_rng(4)
    created = rng.integers(0, 200, 3000) * day + rng.integers(0, day, 3000)
    account = pd.Series(rng.choice(["a", "b", "c", "d", None], 3000), dtype="string")
    counts = _prior_same_account(account, created)
    ids = account.fillna("").to_numpy(dtype=object)
    same = ids[:, None] == ids[None, :]
    before = (created[None, :] < created[:, None]) & (created[None, :] >= created[:, None] - 30 * day)
    expected = (same & before).sum(axis=1).astype(float)
    expected[account.isna().to_numpy()] = np.nan
    np.testing.assert_array_equal(counts, expected)
