"""The context's JSON Schema is generated from its types (context.Context); the committed file is that
generation, and it holds the contract: a finding's or recommendation's facts are the dataclass of its kind."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from supportlens.analysis.actions.recommendations import FACTS as RECOMMENDATION_FACTS
from supportlens.analysis.actions.recommendations import RecommendationKind
from supportlens.analysis.core.missing import LABELS, Skip
from supportlens.analysis.data_quality import CHECKS
from supportlens.analysis.findings import FACTS as FINDING_FACTS
from supportlens.analysis.findings import CoverageGapFacts, Finding, FindingKind, KpiChangeFacts
from supportlens.context import SCHEMA_PATH, context_schema, generate_schema, schema_text, to_plain
from supportlens.dataset import Check, QualityIssue
from support import ROOT

COMMITTED = ROOT / "src" / "supportlens" / SCHEMA_PATH


def test_the_committed_schema_is_the_generated_one():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(generate_schema()), (
        "src/supportlens/schema/context.schema.json is stale: run `make schema`")


def test_the_package_reads_the_committed_schema():
    assert context_schema() == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_every_kind_has_its_facts_dataclass_and_every_check_its_taxonomy_entry():
    assert set(FINDING_FACTS) == set(FindingKind)
    assert all(cls.KIND == kind for kind, cls in FINDING_FACTS.items())
    assert set(RECOMMENDATION_FACTS) == set(RecommendationKind)
    assert RECOMMENDATION_FACTS[RecommendationKind.ESCALATION].__name__ == "EscalationFacts"
    assert set(CHECKS) == set(Check)
    assert set(LABELS) == set(Skip)


def test_enums_keep_their_json_strings():
    gap = CoverageGapFacts([18, 19], ["18:00–20:00"], 0.3, 0.1, 3.0, 40, 0.001)
    plain = to_plain(Finding.of(gap))
    assert plain["kind"] == "coverage_gap" and type(plain["kind"]) is str
    assert (plain["page"], plain["chart"]) == ("sla", "first_response_by_hour")
    assert plain["facts"]["hours"] == [18, 19]
    assert to_plain(QualityIssue("tickets", "DUPLICATE_ID", "ticket_id", 2, "dropped"))["check"] == "DUPLICATE_ID"


def test_a_check_outside_the_taxonomy_is_refused():
    with pytest.raises(ValueError):
        QualityIssue("tickets", "DUPLICATE_IDS", "ticket_id", 2, "dropped")


def _findings_schema() -> dict:
    """The committed schema, narrowed to an array of findings."""
    schema = context_schema()
    return {"$defs": schema["$defs"], "type": "array", "items": {"$ref": "#/$defs/Finding"}}


def test_a_finding_must_carry_the_facts_of_its_kind():
    schema = _findings_schema()
    kpi = to_plain(Finding.of(KpiChangeFacts("csat", "CSAT", "score", 4.1, 4.4, -0.07, 0.01, False)))
    jsonschema.validate([kpi], schema)
    wrong = dict(kpi, kind="coverage_gap")                      # kpi facts under another kind
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([wrong], schema)
    missing = copy.deepcopy(kpi)
    del missing["facts"]["adjusted_p"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([missing], schema)
    extra = copy.deepcopy(kpi)
    extra["facts"]["note"] = "not a field"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([extra], schema)


def test_skipped_entries_carry_a_known_code():
    schema = context_schema()
    skipped = {"$defs": schema["$defs"], **schema["properties"]["skipped"]}
    jsonschema.validate([{"code": "segments", "analysis": "segment diagnostics", "reason": "needs more"}], skipped)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"code": "segment diagnostics", "analysis": "x", "reason": "y"}], skipped)


def test_the_context_is_the_header_and_every_context_field_of_the_analysis():
    import dataclasses

    from supportlens.analysis import Analysis, context_sections
    from supportlens.context import Context, Header

    analysis_fields = {f.name for f in dataclasses.fields(Analysis)}
    assert {"clocks", "period"} <= analysis_fields and not {"clocks", "period"} & set(context_sections())
    assert [f.name for f in dataclasses.fields(Context)] == (
        [f.name for f in dataclasses.fields(Header)] + context_sections())
    assert set(context_sections()) == set(generate_schema()["properties"]) - {f.name for f in dataclasses.fields(Header)}


def test_the_organisation_shown_is_the_configured_one_and_only_the_sample_is_simulated():
    import pandas as pd

    from supportlens.context import organisation_shown
    from supportlens.dataset import Dataset

    own, sample = Dataset(pd.DataFrame()), Dataset(pd.DataFrame(), sample_truth={"seed": 7})
    assert organisation_shown("Acme Support", own) == "Acme Support"
    assert organisation_shown(None, own) == "" and organisation_shown("  ", own) == ""
    assert organisation_shown(None, sample) == "Sample Support Co. (simulated)"
    assert organisation_shown("Acme Support", sample) == "Acme Support (simulated)"
