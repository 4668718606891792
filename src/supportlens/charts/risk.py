"""Charts of the risk model card: ROC curves, calibration and permutation importance."""

from __future__ import annotations

import plotly.graph_objects as go

from ..formatting import fmt_num
from .base import PALETTE, Chart, house_layout

COLOURS = {"priority_only": PALETTE["grey"], "logistic": PALETTE["sky"], "gradient_boosting": PALETTE["purple"]}


def _risk(context: dict) -> dict | None:
    return (context.get("actions") or {}).get("risk")


def roc(context: dict) -> Chart | None:
    risk = _risk(context)
    if not risk:
        return None
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(color="#9aa5b1", dash="dot"), name="Chance",
                    hoverinfo="skip")
    table = []
    for model in risk["models"]:
        points = risk["roc_curves"][model["id"]]
        name = f"{model['label']} (AUC {fmt_num(model['roc_auc']['value'], 3)})"
        fig.add_scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines", name=name,
                        line=dict(color=COLOURS[model["id"]], width=3 if model["id"] == risk["chosen"] else 2),
                        hovertemplate="false alarms %{x:.0%}<br>breaches caught %{y:.0%}<extra></extra>")
        table += [{"model": model["id"], "false_positive_rate": p[0], "true_positive_rate": p[1]} for p in points]
    house_layout(fig, x_title="False-positive rate (achieved tickets flagged)", y_title="True-positive rate (breaches caught)",
                 y_format=".0%", height=420)
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_layout(legend=dict(orientation="v", yanchor="bottom", y=0.02, xanchor="right", x=0.98))
    chosen = risk["models"][risk["chosen_model"]]
    gain = risk["auc_gain"]
    takeaway = (f"On the test months the {chosen['label'].lower()} ranks a breaching ticket above an achieved one "
                f"{fmt_num(chosen['roc_auc']['value'] * 100, 0)}% of the time, "
                f"{fmt_num(gain['value'], 3)} more ROC-AUC than priority alone "
                f"(95% CI {fmt_num(gain['ci_low'], 3)} to {fmt_num(gain['ci_high'], 3)}).")
    return Chart("risk_roc", "risk", "ROC curves on the test months", takeaway,
                 f"ROC curves of the three models with the diagonal of chance. {takeaway}", fig, table)


def calibration(context: dict) -> Chart | None:
    risk = _risk(context)
    if not risk:
        return None
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(color="#9aa5b1", dash="dot"), name="Perfect calibration",
                    hoverinfo="skip")
    table = []
    labels = {m["id"]: m["label"] for m in risk["models"]}
    for model_id, bins in risk["calibration"].items():
        fig.add_scatter(x=[b["predicted"] for b in bins], y=[b["observed"] for b in bins], mode="lines+markers",
                        name=labels[model_id], line=dict(color=COLOURS[model_id], width=2),
                        customdata=[b["tickets"] for b in bins],
                        hovertemplate="predicted %{x:.0%}<br>observed %{y:.0%}<br>%{customdata:,} tickets<extra></extra>")
        table += [{"model": model_id, **b} for b in bins]
    house_layout(fig, x_title="Predicted breach probability (bin mean)", y_title="Observed breach share", y_format=".0%",
                 height=400)
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(range=[0, 1])
    chosen = risk["calibration"][risk["chosen"]]
    worst = chosen[risk["calibration_worst_bin"]]
    takeaway = (f"Predicted and observed breach shares stay within {fmt_num(abs(worst['predicted'] - worst['observed']) * 100, 1)} "
                "percentage points in every bin of the chosen model.")
    return Chart("risk_calibration", "risk", "Calibration on the test months (deciles of predicted risk)", takeaway,
                 f"Calibration curve: mean predicted probability against observed breach share per bin. {takeaway}",
                 fig, table)


def importance(context: dict) -> Chart | None:
    risk = _risk(context)
    if not risk:
        return None
    rows = list(reversed(risk["importance"][:risk["importance_shown"]]))
    label = {f["name"]: f["label"] for f in risk["features"]}   # each feature as the model card names it
    fig = go.Figure(go.Bar(
        x=[r["drop_in_roc_auc"] for r in rows], y=[label[r["feature"]] for r in rows], orientation="h",
        marker_color=PALETTE["blue"], error_x=dict(type="data", array=[r["std"] for r in rows], color="#3e4c59"),
        hovertemplate="%{y}: ROC-AUC drops by %{x:.3f}<extra></extra>"))
    house_layout(fig, x_title="Drop in ROC-AUC when the feature is shuffled", y_title="", height=400)
    fig.update_layout(margin=dict(l=190))
    top = risk["importance"][:risk["importance_leading"]]
    takeaway = (f"{label[top[0]['feature']]} and {label[top[1]['feature']].lower()} carry most of the "
                "model's ranking power." if len(top) > 1 else "One feature carries the model.")
    return Chart("risk_importance", "risk", "Permutation importance of the features (test months)", takeaway,
                 f"Horizontal bars of the drop in ROC-AUC when each feature is shuffled. {takeaway}", fig,
                 risk["importance"])


CHARTS = {"risk_roc": roc, "risk_calibration": calibration, "risk_importance": importance}
