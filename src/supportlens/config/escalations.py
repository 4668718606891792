"""Typed model of the ``escalations:`` section of ``supportlens.yml``.

How the event log is read as an escalation process: which activity belongs to
which stage (and whether a ticket is being worked, waiting or done while in
it), who is which stakeholder role, what counts as a customer-facing update,
and the policies and change date to evaluate. The defaults fit the simulated
sample; ``examples/escalations-*.yml`` hold mappings for two public event logs.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stage(_Strict):
    """A stage of the escalation process. ``kind``: work (someone is working the ticket),
    wait (it waits in a queue, on the customer or on a third party) or done (resolved).
    ``waits_for``: the role a wait in this stage is charged to (e.g. third_party for a vendor
    hold); by default the role that acts next."""

    label: str
    kind: Literal["work", "wait", "done"]
    waits_for: str | None = None


class StageRule(_Strict):
    """The first rule that matches an event gives its stage.

    ``activity`` matches the event's ``activity`` label when the log has one, else its
    ``event_type``; case-insensitive, ``*`` and ``?`` are wildcards. ``role`` and
    ``status`` narrow the rule to events by that role or leaving that status."""

    activity: str
    stage: str
    role: str | None = None
    status: str | None = None


class RoleMap(_Strict):
    """Who is which stakeholder role.

    ``source`` names the events column the role is read from (actor_role, actor_id,
    tier or activity); ``values`` maps its values to roles (unmapped values are the
    role themselves, or ``default`` when set; unmapped actor ids become
    ``unmapped_actor``, never a published name); ``actors`` maps single actor ids to
    a role and wins over the rest (e.g. the named project managers)."""

    source: Literal["actor_role", "actor_id", "tier", "activity"] = "actor_role"
    values: dict[str, str] = Field(default_factory=dict)
    default: str | None = None
    actors: dict[str, str] = Field(default_factory=dict)


DEFAULT_STAGES = {
    "initial_submission": Stage(label="Initial submission", kind="wait"),
    "review_analysis": Stage(label="Review & analysis", kind="work"),
    "communication": Stage(label="Communication", kind="work"),
    "escalation": Stage(label="Escalation handoff", kind="wait"),
    "troubleshooting": Stage(label="Troubleshooting", kind="work"),
    "development": Stage(label="Development", kind="work"),
    "waiting_on_customer": Stage(label="Waiting on customer", kind="wait"),
    "on_hold": Stage(label="On hold (third party)", kind="wait", waits_for="third_party"),
    "reopened": Stage(label="Reopened", kind="wait"),
    "resolution_confirmation": Stage(label="Resolution confirmation", kind="done"),
    "closed": Stage(label="Closed", kind="done"),
    "other": Stage(label="Other", kind="work"),
}

DEFAULT_RULES = (
    StageRule(activity="created", stage="initial_submission"),
    StageRule(activity="escalated", stage="escalation"),
    StageRule(activity="status_change", status="pending", stage="waiting_on_customer"),
    StageRule(activity="status_change", status="on_hold", stage="on_hold"),
    StageRule(activity="status_change", stage="troubleshooting"),
    StageRule(activity="internal_note", role="tier3", stage="development"),
    StageRule(activity="internal_note", role="tier2", stage="troubleshooting"),
    StageRule(activity="internal_note", stage="review_analysis"),
    StageRule(activity="*_reply", stage="communication"),
    StageRule(activity="reopened", stage="reopened"),
    StageRule(activity="solved", stage="resolution_confirmation"),
    StageRule(activity="closed", stage="closed"),
)

ROLE_LABELS = {"customer": "Customer", "tier1": "Tier 1", "tier2": "Tier 2", "tier3": "Tier 3",
               "project_manager": "Project manager", "executive": "Executive", "third_party": "Third party",
               "system": "System"}


class Escalations(_Strict):
    """The escalation process analysis (page ``escalations``)."""

    stages: dict[str, Stage] = Field(default_factory=lambda: dict(DEFAULT_STAGES))
    stage_rules: tuple[StageRule, ...] = DEFAULT_RULES
    default_stage: str = "other"
    roles: RoleMap = RoleMap()
    role_labels: dict[str, str] = Field(default_factory=lambda: dict(ROLE_LABELS))
    ladder: tuple[str, ...] = ("tier1", "tier2", "tier3")
    customer_roles: tuple[str, ...] = ("customer",)
    ignore_roles: tuple[str, ...] = ("system",)
    escalation_stages: tuple[str, ...] = ("escalation",)
    communication_stages: tuple[str, ...] = ("communication",)
    customer_facing: tuple[str, ...] = ("public_reply",)
    min_transitions: int = Field(30, ge=1)
    dfg_max_edges: int = Field(30, ge=2)
    policy_hours: float = Field(8.0, gt=0)
    other_policy_hours: tuple[float, ...] = (4.0, 12.0, 24.0)
    simulate_policy: bool = True
    material_csat_points: float = Field(0.1, ge=0)
    material_wait_hours: float = Field(2.0, ge=0)
    change_date: date | None = None
    change_label: str = "the change"

    @model_validator(mode="after")
    def _known_stages(self) -> "Escalations":
        named = [r.stage for r in self.stage_rules] + [self.default_stage, *self.communication_stages,
                                                           *self.escalation_stages]
        unknown = sorted(set(named) - set(self.stages))
        if unknown:
            raise ValueError(f"stage(s) {', '.join(unknown)} are used but not defined under escalations.stages "
                             f"(defined: {', '.join(self.stages)})")
        if not self.ladder:
            raise ValueError("escalations.ladder needs at least one role")
        if any(h <= 0 for h in self.other_policy_hours):
            raise ValueError("escalations.other_policy_hours must be positive hours")
        return self

    @property
    def policies(self) -> tuple[float, ...]:
        """Every policy the page estimates, shortest interval first."""
        return tuple(sorted({self.policy_hours, *self.other_policy_hours}))

    def role_label(self, role: str) -> str:
        return self.role_labels.get(role, role.replace("_", " ").capitalize())
