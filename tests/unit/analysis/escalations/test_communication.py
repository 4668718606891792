"""What the escalations page and its charts name, decided in analysis."""

from __future__ import annotations

import pytest

from supportlens.analysis.escalations.communication import relation_verdict


@pytest.mark.parametrize(("outcome", "significant", "material", "verdict"), [
    ("csat", True, True, "clear"),
    ("csat", True, False, "not_material"),
    ("reopened", False, True, "none"),
    ("reopened", False, False, "none"),
    ("resolution", True, True, "association_only"),   # never an effect: a longer escalation has room for a longer silence
    ("resolution", False, False, "association_only"),
])
def test_the_verdict_on_a_relation(outcome, significant, material, verdict):
    assert relation_verdict(outcome, significant, material) == verdict
