"""The breach-risk model: at creation, will this ticket breach its resolution SLA?

Label: the resolution SLA breached (completed late, or still open past its target), for
tickets whose resolution deadline had passed by the as-of time, so every label is known.
Temporal split by month of creation: the latest ``risk.test_months`` months are the test,
the month before them the validation (it picks the review threshold), all earlier months
the training (they pick the simple rule the review is compared with: review.py). Three models are compared on the test months: the breach rate of the
ticket's priority in training (the baseline), a logistic regression and a
histogram gradient-boosting model. Scores are on probabilities: ROC-AUC and PR-AUC with
paired bootstrap intervals, Brier score, a calibration curve; permutation importance for
the chosen model (best validation ROC-AUC).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
# imported here, not lazily: threadpool_limits only reaches OpenMP runtimes already loaded
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from ...config import Config
from ...engine import per_value, text_objects
from .review import Threshold, expected_cost, review_threshold
from .scores import auc_and_ap, calibration_bins
from .features import CATEGORICAL, FeatureInfo, creation_features, feature_infos
from ..core.extremes import highest
from ..core.missing import NotEnoughHistory
from ..core.period import month_of
from ..core.stats import Estimate, percentile_interval, resample_rows

MODEL_LABELS = {"priority_only": "Priority only (baseline)", "logistic": "Logistic regression",
                "gradient_boosting": "Gradient boosting (histogram)"}


@dataclass(frozen=True)
class Split:
    name: str
    first_month: str
    last_month: str
    tickets: int
    breaches: int
    breach_rate: float


@dataclass(frozen=True)
class ModelScore:
    id: str
    label: str
    roc_auc: Estimate
    pr_auc: Estimate
    brier: float
    validation_roc_auc: float


@dataclass(frozen=True)
class CalibrationBin:
    predicted: float     # mean predicted probability in the bin
    observed: float      # observed breach share in the bin
    tickets: int


@dataclass(frozen=True)
class Importance:
    feature: str
    drop_in_roc_auc: float     # mean over repeats
    std: float


@dataclass(frozen=True)
class OpenRisk:
    ticket_id: str
    priority: str
    channel: str | None
    category: str | None
    created_at: pd.Timestamp
    age_hours: float
    due_in_hours: float
    probability: float
    expected_cost: float        # probability × the breach cost of its priority: what the list is ranked by


@dataclass(frozen=True)
class RiskModel:
    splits: list[Split]
    features: list[FeatureInfo]
    models: list[ModelScore]
    chosen: str
    auc_gain: Estimate               # chosen − baseline ROC-AUC, paired bootstrap
    beats_baseline: bool             # the gain's interval lies above zero
    calibration: dict[str, list[CalibrationBin]]   # chosen and baseline
    roc_curves: dict[str, list[list[float]]]       # model -> [[false-positive rate, true-positive rate]]
    importance: list[Importance]
    threshold: Threshold
    open_at_risk: list[OpenRisk]
    open_active: int                 # open tickets not yet past their target
    training_tickets: int            # after the optional sample
    training_sampled: bool
    test_days: float
    # what the model card and its charts name and show, decided here
    chosen_model: int = 0            # index into models: the chosen one (best validation ROC-AUC)
    baseline_model: int = 0          # index into models: priority alone, the baseline every gain is measured against
    test_split: int = 0              # index into splits: the test months (their breach rate is PR-AUC's base rate)
    calibration_worst_bin: int | None = None   # index into calibration[chosen]: the largest |predicted − observed|
    importance_shown: int = 0        # the first this many features of importance are charted
    importance_leading: int = 0      # ... and the first this many are named as carrying the model


IMPORTANCE_SHOWN = 10
IMPORTANCE_LEADING = 2


def labelled(clocks: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """1 = resolution SLA breached, 0 = achieved, NaN = deadline not passed yet (unknown)."""
    deadline = clocks["created_at"] + pd.to_timedelta(clocks["resolution_target_minutes"], unit="min")
    known = deadline <= as_of
    state = clocks["resolution_state"]
    label = pd.Series(np.nan, index=clocks.index)
    label[known & state.isin(["breached", "active_breached"])] = 1.0
    label[known & (state == "achieved")] = 0.0
    return label


def _frame(features: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    out = features.copy(deep=False)   # (copy on write: the categorical columns are new, the numeric ones shared)
    for column, levels in categories.items():
        out[column] = _categorical(out[column], levels)
    return out


def _categorical(values: pd.Series, levels: list[str]) -> pd.Categorical:
    """``pd.Categorical(values, categories=levels)`` (a value not among the levels is missing), matching each
    distinct value to the levels once instead of every value."""
    codes, distinct = pd.factorize(values)
    position = np.append(pd.Index(levels).get_indexer(distinct), -1)    # a missing value (code -1) stays missing
    return pd.Categorical.from_codes(position[codes], categories=levels)


class TextLevels(BaseEstimator, TransformerMixin):
    """Each value as the position of its text ("missing" for none) among the sorted texts of the training values
    (-1: a text training did not have, which the one-hot encoder then ignores). The one-hot encoder gets the same
    levels in the same order as from the texts themselves, so the same columns, but matches them with numpy instead
    of a Python lookup per value."""

    def fit(self, X, y=None):
        self.levels_ = [sorted(set(_texts(X[name])[1])) for name in X.columns]
        return self

    def transform(self, X):
        out = np.empty((len(X), len(self.levels_)), dtype=np.int64)
        for j, (name, levels) in enumerate(zip(X.columns, self.levels_)):
            codes, texts = _texts(X[name])
            position = {text: i for i, text in enumerate(levels)}
            out[:, j] = np.array([position.get(text, -1) for text in texts], dtype=np.int64)[codes]
        return out


def _texts(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each value's index into its distinct texts, and those texts (str of the value, "missing" for none, last)."""
    codes, distinct = pd.factorize(values)
    texts = [str(value) for value in distinct]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(texts), codes)
        texts.append("missing")
    return codes, texts


def _models(seed: int, numeric: list[str], categorical: list[str]):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    encode = ColumnTransformer([
        ("categorical", make_pipeline(TextLevels(), OneHotEncoder(handle_unknown="ignore")),
         categorical + ["hour", "weekday"]),
        ("numeric", make_pipeline(FunctionTransformer(lambda x: np.log1p(np.clip(np.nan_to_num(x), 0, None))),
                                  StandardScaler()),
         [c for c in numeric if c not in ("hour", "weekday")]),
    ])
    logistic = make_pipeline(encode, LogisticRegression(max_iter=300))
    boosting = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_leaf_nodes=31,
                                              categorical_features="from_dtype", early_stopping=True,
                                              validation_fraction=0.1, n_iter_no_change=10, random_state=seed)
    return {"logistic": logistic, "gradient_boosting": boosting}


def risk_model(clocks: pd.DataFrame, accounts: pd.DataFrame | None, agents_by_hour_of_week: np.ndarray | None,
               as_of: pd.Timestamp, config: Config) -> RiskModel:
    """Fit, score and explain the models. Runs single-threaded: on a shared machine OpenMP's
    busy-waiting made gradient boosting up to 30× slower with two threads than with one."""
    with threadpool_limits(1):
        return _risk_model(clocks, accounts, agents_by_hour_of_week, as_of, config)


def _risk_model(clocks: pd.DataFrame, accounts: pd.DataFrame | None, agents_by_hour_of_week: np.ndarray | None,
                as_of: pd.Timestamp, config: Config) -> RiskModel:
    settings = config.risk
    features = creation_features(clocks, accounts, agents_by_hour_of_week)
    label = labelled(clocks, as_of)
    month = month_of(clocks["created_at"]).astype(str)
    known = label.notna()
    months = sorted(month[known].unique())
    if len(months) < settings.test_months + 3:
        raise NotEnoughHistory(f"needs at least {settings.test_months + 3} months of tickets whose resolution "
                               f"deadline has passed (found {len(months)})")
    test_months = months[-settings.test_months:]
    validation_month = months[-settings.test_months - 1]
    train = known & (month < validation_month)
    validation = known & (month == validation_month)
    test = known & month.isin(test_months)
    for name, mask in (("training", train), ("validation", validation), ("test", test)):
        if mask.sum() < 200 or label[mask].sum() < 20 or label[mask].sum() > mask.sum() - 20:
            raise NotEnoughHistory(f"needs more tickets and breaches in the {name} months to fit and test a model "
                                   f"({int(mask.sum())} tickets, {int(label[mask].sum())} breaches)")
    rng = np.random.default_rng(config.seed)
    train_index = np.flatnonzero(train.to_numpy())
    sampled = len(train_index) > settings.max_training_tickets
    if sampled:
        train_index = np.sort(rng.choice(train_index, settings.max_training_tickets, replace=False))

    categorical = [c for c in CATEGORICAL if c in features]
    numeric = [c for c in features.columns if c not in categorical]
    x_train = features.iloc[train_index]
    categories = {c: sorted(x_train[c].dropna().unique().tolist())[:250] for c in categorical}
    frame = _frame(features, categories)
    y = label.to_numpy()
    y_train = y[train_index]

    # baseline: the training breach rate of the ticket's priority (Laplace-smoothed)
    rates = pd.Series(y_train).groupby(features["priority"].iloc[train_index].to_numpy()).agg(["sum", "count"])
    prior = (rates["sum"] + 1) / (rates["count"] + 2)
    overall = (y_train.sum() + 1) / (len(y_train) + 2)
    scores = {"priority_only": features["priority"].map(prior).fillna(overall).to_numpy(dtype=float)}
    feature_columns = list(features.columns)
    del features, x_train   # (their texts per ticket: the frame holds them as codes)
    val, tst = validation.to_numpy(), test.to_numpy()
    open_now = (clocks["resolution_state"] == "active").fillna(False).to_numpy(dtype=bool)
    # the models score only the tickets whose scores are read (validation, test, open now; the rest NaN):
    # a ticket's probability does not depend on which other tickets are scored with it
    scored = np.flatnonzero(val | tst | open_now)
    fitted = {}
    for name, model in _models(config.seed, numeric, categorical).items():
        model.fit(frame.iloc[train_index], y_train)
        fitted[name] = model
        scores[name] = np.full(len(frame), np.nan)
        scores[name][scored] = model.predict_proba(frame.iloc[scored])[:, 1]

    draws = resample_rows(rng, settings.bootstrap, int(tst.sum()))   # (drawn when read, at scale: stats.Resamples)
    results, boot = [], {}
    for name, score in scores.items():
        point, samples = auc_and_ap(y[tst], score[tst], draws)
        boot[name] = samples
        val_auc, _ = auc_and_ap(y[val], score[val], None)
        results.append(ModelScore(
            id=name, label=MODEL_LABELS[name],
            roc_auc=percentile_interval(point[0], samples[:, 0], int(tst.sum())),
            pr_auc=percentile_interval(point[1], samples[:, 1], int(tst.sum())),
            brier=float(np.mean((score[tst] - y[tst]) ** 2)), validation_roc_auc=float(val_auc[0])))
    chosen = max((r for r in results if r.id != "priority_only"), key=lambda r: r.validation_roc_auc).id
    gain = boot[chosen][:, 0] - boot["priority_only"][:, 0]
    point_gain = next(r.roc_auc.value for r in results if r.id == chosen) - results[0].roc_auc.value
    auc_gain = percentile_interval(point_gain, gain, int(tst.sum()))

    created = clocks["created_at"]
    test_days = max(1.0, (created[test].max() - created[test].min()).total_seconds() / 86_400)
    training_days = max(1.0, (created[train].max() - created[train].min()).total_seconds() / 86_400)
    costs = per_value(clocks["priority"], config.costs.breach).fillna(0).to_numpy(dtype=float)
    priority = text_objects(clocks["priority"], "")
    beats_baseline = bool(auc_gain.ci_low > 0)
    threshold = review_threshold(scores[chosen], y, priority, costs, train.to_numpy(), val, tst, draws, test_days,
                                 training_days, config.costs, config.recommendations.interval,
                                 np.random.default_rng([config.seed, 11]), beats_baseline)

    importance = _importance(fitted[chosen], frame, y, tst, settings, config.seed)
    open_at_risk = _open_at_risk(clocks, scores[chosen], costs, open_now, as_of, settings.top_open)
    calibration = {name: calibration_bins(y[tst], scores[name][tst], CalibrationBin) for name in (chosen, "priority_only")}
    splits = [_split("training", month, label, train), _split("validation", month, label, validation),
              _split("test", month, label, test)]
    return RiskModel(
        splits=splits,
        features=feature_infos(feature_columns),
        models=results, chosen=chosen, auc_gain=auc_gain, beats_baseline=beats_baseline,
        calibration=calibration,
        roc_curves={name: _roc_curve(y[tst], score[tst]) for name, score in scores.items()},
        importance=importance, threshold=threshold, open_at_risk=open_at_risk, open_active=int(open_now.sum()),
        training_tickets=len(train_index), training_sampled=sampled, test_days=test_days,
        **_picks(results, chosen, splits, calibration[chosen], importance))


def _picks(results: list[ModelScore], chosen: str, splits: list[Split], bins: list[CalibrationBin],
           importance: list[Importance]) -> dict:
    ids = [r.id for r in results]
    return {"chosen_model": ids.index(chosen), "baseline_model": ids.index("priority_only"),
            "test_split": [s.name for s in splits].index("test"),
            "calibration_worst_bin": highest(bins, lambda b: abs(b.predicted - b.observed)),
            "importance_shown": min(len(importance), IMPORTANCE_SHOWN),
            "importance_leading": min(len(importance), IMPORTANCE_LEADING)}


def _roc_curve(y: np.ndarray, score: np.ndarray) -> list[list[float]]:
    """The ROC curve at 51 false-positive rates (enough to draw it)."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(y, score)
    grid = np.linspace(0, 1, 51)
    return [[float(f), float(t)] for f, t in zip(grid, np.interp(grid, fpr, tpr))]


def _split(name: str, month: pd.Series, label: pd.Series, mask: pd.Series) -> Split:
    months = sorted(month[mask].unique())
    breaches = int(label[mask].sum())
    return Split(name, months[0], months[-1], int(mask.sum()), breaches, breaches / int(mask.sum()))


def _importance(model, frame: pd.DataFrame, y: np.ndarray, test: np.ndarray, settings, seed: int) -> list[Importance]:
    """Permutation importance as scikit-learn's ``permutation_importance`` (scoring="roc_auc") computes it, with
    the same shuffles (``permuted_rows``); the permuted copies are scored in a few large batches instead of one
    call per copy, which on a few thousand tickets is mostly call overhead. A ticket's score depends on its own
    row only, so the batches score every copy exactly as the one-call-per-copy loop does."""
    from sklearn.metrics import roc_auc_score

    index = np.flatnonzero(test)
    if len(index) > settings.importance_tickets:
        index = np.sort(np.random.default_rng(seed).choice(index, settings.importance_tickets, replace=False))
    sample, labels = frame.iloc[index].reset_index(drop=True), y[index]
    repeats, rows = settings.importance_repeats, len(index)
    # copy 0 is the sample as it is (the baseline), then each feature's repeats in feature order
    copies = [(None, None)] + [(column, order) for column in range(sample.shape[1])
                               for order in permuted_rows(rows, repeats, seed)]
    respond = model.decision_function if hasattr(model, "decision_function") else (
        lambda x: model.predict_proba(x)[:, 1])
    per_batch = max(1, IMPORTANCE_BATCH_ROWS // max(rows, 1))
    scores = []
    for start in range(0, len(copies), per_batch):
        batch = copies[start:start + per_batch]
        columns = {}
        for c, name in enumerate(sample.columns):
            taken = np.concatenate([order if column == c else np.arange(rows) for column, order in batch])
            columns[name] = sample[name].take(taken).reset_index(drop=True)
        response = np.asarray(respond(pd.DataFrame(columns, columns=sample.columns)))
        scores += [roc_auc_score(labels, response[k * rows:(k + 1) * rows]) for k in range(len(batch))]
    drops = scores[0] - np.array(scores[1:]).reshape(sample.shape[1], repeats)
    out = [Importance(name, float(mean), float(std))
           for name, mean, std in zip(frame.columns, np.mean(drops, axis=1), np.std(drops, axis=1))]
    return sorted(out, key=lambda i: -i.drop_in_roc_auc)


IMPORTANCE_BATCH_ROWS = 200_000    # rows scored per call by _importance (bounds its memory)


def permuted_rows(rows: int, repeats: int, seed: int) -> list[np.ndarray]:
    """The row order of each repeat of one feature's column in ``sklearn.inspection.permutation_importance`` with
    ``random_state=seed``: one RandomState per feature seeded from the caller's, the same for every feature, whose
    shuffles accumulate, each applied to the column as the previous repeat left it."""
    seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    state, shuffle, order = np.random.RandomState(seed), np.arange(rows), np.arange(rows)
    out = []
    for _ in range(repeats):
        state.shuffle(shuffle)
        order = order[shuffle]
        out.append(order)
    return out


def _open_at_risk(clocks: pd.DataFrame, score: np.ndarray, breach_cost: np.ndarray, open_now: np.ndarray,
                  as_of: pd.Timestamp, top: int) -> list[OpenRisk]:
    """The open tickets still inside their target with the highest expected breach cost (as the review ranks)."""
    index = np.flatnonzero(open_now)
    cost = expected_cost(score, breach_cost)
    # (the open tickets' ids only: the whole column as Python strings was 700 MB at 10M tickets)
    order = index[np.lexsort((clocks["ticket_id"].iloc[index].to_numpy().astype(str), -score[index], -cost[index]))][:top]
    out = []
    for i in order:
        row = clocks.iloc[i]
        age = (as_of - row["created_at"]).total_seconds() / 3600
        out.append(OpenRisk(
            ticket_id=str(row["ticket_id"]), priority=str(row["priority"]),
            channel=None if pd.isna(row.get("channel")) else str(row.get("channel")),
            category=None if pd.isna(row.get("category")) else str(row.get("category")),
            created_at=row["created_at"], age_hours=float(age),
            due_in_hours=float(row["resolution_target_minutes"] / 60 - age), probability=float(score[i]),
            expected_cost=float(cost[i])))
    return out
