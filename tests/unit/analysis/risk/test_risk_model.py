"""The breach-risk model: features known at creation only, scores that agree with
scikit-learn, and a model that beats priority alone on the simulated organisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from supportlens.analysis.risk.scores import auc_and_ap
from supportlens.analysis.core.period import reporting_period
from supportlens.analysis.risk.model import labelled, risk_model
from supportlens.analysis.risk.features import creation_features
from supportlens.analysis.sla.summary import ticket_clocks
from supportlens.analysis.staffing.plan import agents_on_shift
from supportlens.config import Config
from supportlens.dataset import Dataset
from supportlens.sample import SimulationSpec, simulate

TIMESTAMPS = ("first_response_at", "first_solved_at", "solved_at", "closed_at")


@pytest.fixture(scope="module")
def world():
    data = simulate(SimulationSpec(tickets=12_000, seed=5))
    dataset = Dataset(tickets=data.tickets, events=data.events, accounts=data.accounts, agents=data.agents)
    schedule, _ = agents_on_shift(dataset, None)
    return data, dataset, schedule


def known_at(tickets: pd.DataFrame, t: pd.Timestamp) -> pd.DataFrame:
    """The tickets table as it looked at time t: later tickets absent, later timestamps not yet set."""
    cut = tickets[tickets["created_at"] <= t].copy()
    for column in TIMESTAMPS:
        cut[column] = cut[column].where(cut[column] <= t)
    cut["status"] = np.where(cut["solved_at"].notna(), "solved", "open")
    for column in ("reopens", "replies", "tier_max"):
        cut[column] = 0
    cut["escalated"] = False
    cut["csat"] = np.nan
    return cut


def test_no_feature_uses_information_from_after_creation(world):
    data, dataset, schedule = world
    tickets = data.tickets
    full = creation_features(tickets, data.accounts, schedule)
    assert {"queue_waiting", "open_backlog", "account_tickets_prior_30d", "agents_on_shift"} <= set(full.columns)
    picks = np.random.default_rng(3).choice(len(tickets), 25, replace=False)
    for i in picks:
        t = tickets["created_at"].iloc[i]
        cut = known_at(tickets, t)
        again = creation_features(cut, data.accounts, schedule)
        pd.testing.assert_series_equal(again.loc[tickets.index[i]], full.iloc[i], check_names=False)


def test_the_cut_catches_a_leaky_feature(world):
    """The check above can fail: a feature that peeks at the future changes under the cut."""
    data, _, _ = world
    tickets = data.tickets
    leaky = (tickets["solved_at"] - tickets["created_at"]).dt.total_seconds()
    changed = 0
    for i in np.random.default_rng(3).choice(len(tickets), 25, replace=False):
        cut = known_at(tickets, tickets["created_at"].iloc[i])
        row = cut.loc[tickets.index[i]]
        changed += pd.isna((row["solved_at"] - row["created_at"])) and not pd.isna(leaky.iloc[i])
    assert changed > 0


def test_scores_agree_with_scikit_learn():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 800)
    score = np.round(rng.random(800) + 0.3 * y, 1)      # many ties, like the priority baseline
    (auc, ap), _ = auc_and_ap(y, score, None)
    assert auc == pytest.approx(roc_auc_score(y, score), abs=1e-12)
    assert ap == pytest.approx(average_precision_score(y, score), abs=1e-12)
    draws = rng.integers(0, 800, size=(3, 800))
    _, boot = auc_and_ap(y, score, draws)
    assert boot[1, 0] == pytest.approx(roc_auc_score(y[draws[1]], score[draws[1]]), abs=1e-12)
    assert boot[2, 1] == pytest.approx(average_precision_score(y[draws[2]], score[draws[2]]), abs=1e-12)


def test_labels_wait_for_the_deadline():
    clocks = pd.DataFrame({
        "created_at": pd.to_datetime(["2026-01-01 00:00", "2026-01-01 00:00", "2026-01-03 00:00"], utc=True),
        "resolution_target_minutes": [240.0, 240.0, 4320.0],
        "resolution_state": ["breached", "achieved", "active"],
    })
    label = labelled(clocks, pd.Timestamp("2026-01-04", tz="UTC"))
    assert label.iloc[0] == 1 and label.iloc[1] == 0 and np.isnan(label.iloc[2])


def test_model_beats_priority_only_on_the_sample(world):
    data, dataset, schedule = world
    config = Config.model_validate({"period": {"length": "all"}, "risk": {"bootstrap": 100}})
    period = reporting_period(data.tickets, config.period)
    clocks = ticket_clocks(data.tickets, config.sla, period.as_of)
    model = risk_model(clocks, data.accounts, schedule, period.as_of, config)
    scores = {m.id: m for m in model.models}
    chosen, base = scores[model.chosen], scores["priority_only"]
    assert chosen.roc_auc.ci_low > base.roc_auc.ci_high       # intervals do not overlap
    assert chosen.pr_auc.ci_low > base.pr_auc.ci_high
    assert model.beats_baseline and chosen.brier < base.brier
    # the planted drivers (category work times, priority) lead the importance ranking
    assert {i.feature for i in model.importance[:3]} & {"category", "priority"}
    assert model.threshold.recall is not None and 0 < model.threshold.recall <= 1
    assert all(o.due_in_hours > 0 for o in model.open_at_risk)


def test_what_the_model_card_names_is_decided_in_analysis():
    from types import SimpleNamespace as NS

    from supportlens.analysis.risk.model import _picks

    models = [NS(id="priority_only"), NS(id="logistic"), NS(id="gradient_boosting")]
    splits = [NS(name="training"), NS(name="validation"), NS(name="test")]
    # |predicted − observed| (exact in binary): 0.125, 0.25, 0.25 (a tie: the first), 0
    bins = [NS(predicted=0.125, observed=0.25), NS(predicted=0.5, observed=0.25), NS(predicted=0.5, observed=0.75),
            NS(predicted=0.875, observed=0.875)]
    importance = [NS(feature=f"f{i}") for i in range(12)]
    picks = _picks(models, "gradient_boosting", splits, bins, importance)
    assert picks == {"chosen_model": 2, "baseline_model": 0, "test_split": 2, "calibration_worst_bin": 1,
                     "importance_shown": 10, "importance_leading": 2}
    few = _picks(models, "logistic", splits, bins, importance[:1])
    assert (few["chosen_model"], few["importance_shown"], few["importance_leading"]) == (1, 1, 1)


def test_categorical_frame_matches_pandas_categorical():
    """The model frame's categories: each value's level as pd.Categorical(values, categories=levels) gives it,
    with missing values and values beyond the levels (the 250 kept) missing."""
    import warnings

    import pandas as pd

    from supportlens.analysis.risk.model import _categorical

    values = pd.Series(["b", "a", None, "z", "b", "c"], dtype="string")
    levels = ["a", "b", "c"]
    got = _categorical(values, levels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = pd.Categorical(values.astype(object), categories=levels)
    assert got.codes.tolist() == [1, 0, -1, -1, 1, 2] == expected.codes.tolist()
    assert list(got.categories) == levels
    assert _categorical(pd.Series([None, None], dtype="string"), []).codes.tolist() == [-1, -1]


@pytest.mark.parametrize("chosen", ["logistic", "gradient_boosting"])
def test_importance_is_scikit_learns_permutation_importance(chosen):
    """The batched permutation importance gives scikit-learn's permutation_importance exactly (same shuffles, same
    scorer), on a frame with categorical, missing and numeric features and a planted effect."""
    from types import SimpleNamespace

    from sklearn.inspection import permutation_importance

    from supportlens.analysis.risk.model import _categorical, _importance, _models

    rng = np.random.default_rng(3)
    n = 4000
    frame = pd.DataFrame({
        "priority": _categorical(pd.Series(rng.choice(["low", "high", None], n)), ["high", "low"]),
        "hour": rng.integers(0, 24, n).astype(float), "weekday": rng.integers(0, 7, n).astype(float),
        "load": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2, 3, n))})
    y = (rng.random(n) < 1 / (1 + np.exp(1.5 - 1.2 * (frame["priority"] == "high")))).astype(float)
    test = rng.random(n) < 0.5
    model = _models(7, ["hour", "weekday", "load"], ["priority"])[chosen].fit(frame[~test], y[~test])
    settings = SimpleNamespace(importance_tickets=1500, importance_repeats=3)
    mine = _importance(model, frame, y, test, settings, 7)
    index = np.sort(np.random.default_rng(7).choice(np.flatnonzero(test), 1500, replace=False))
    theirs = permutation_importance(model, frame.iloc[index], y[index], scoring="roc_auc", n_repeats=3,
                                    random_state=7, n_jobs=1)
    expected = sorted(zip(frame.columns, theirs.importances_mean, theirs.importances_std), key=lambda i: -i[1])
    assert [(i.feature, i.drop_in_roc_auc, i.std) for i in mine] == [(c, float(m), float(s)) for c, m, s in expected]
    assert mine[0].feature == "priority" and mine[0].drop_in_roc_auc > 0.02
