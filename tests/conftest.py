from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from supportlens.config import Config
from support import ROOT, TINY_TICKETS, run_cli

# every context a test builds, in process or through the CLI (subprocesses inherit it), is checked against
# its JSON Schema (a build outside the tests skips the check: context.build_context)
os.environ["SUPPORTLENS_CHECK_CONTEXT"] = "1"


@pytest.fixture
def tiny_config(tmp_path: Path) -> Config:
    path = tmp_path / "tickets.csv"
    path.write_text(TINY_TICKETS)
    return Config.model_validate({
        "data": {"tickets": str(path), "events": None, "accounts": None, "agents": None},
        "period": {"as_of": "2026-03-31T12:00:00Z"},
    })


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    """A project folder like a fresh clone: a config and sample data; built once."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "supportlens.yml", folder / "supportlens.yml")
    sampled = run_cli("sample", "--tickets", "4000", "--seed", "3", cwd=folder)
    assert sampled.returncode == 0, sampled.stderr
    built = run_cli("build", "--engine", "builtin", cwd=folder)
    assert built.returncode == 0, built.stderr
    return folder


def analysed_sample(folder: Path, spec) -> tuple:
    """Simulate, write the sample as CSV, read it back through ingest and analyse it: (Analysis, truth).

    The risk model's bootstrap and the recommendations' Monte Carlo draws are cut down to keep the
    tests quick; nothing the recovery tests read depends on them."""
    from supportlens.build import analysed
    from supportlens.ingest import load_dataset
    from supportlens.sample import simulate, write_sample

    data = simulate(spec)
    write_sample(data, folder)
    config = Config.model_validate({
        "data": {table: str(folder / f"{table}.csv") for table in ("tickets", "events", "accounts", "agents")},
        "period": {"length": "all"},
        "risk": {"bootstrap": 50, "importance_repeats": 1},
        "recommendations": {"draws": 500},
    })
    dataset = load_dataset(config)
    return analysed(dataset, config), data.truth


@pytest.fixture(scope="session")
def planted_sample(tmp_path_factory):
    """20,000 simulated tickets with the planted effects, analysed once for the whole run."""
    from supportlens.sample import SimulationSpec

    return analysed_sample(tmp_path_factory.mktemp("planted"), SimulationSpec(tickets=20_000, seed=11))


@pytest.fixture(scope="session")
def null_sample(tmp_path_factory):
    """The same organisation with no planted differences."""
    from supportlens.sample import SimulationSpec

    return analysed_sample(tmp_path_factory.mktemp("null"), SimulationSpec(tickets=20_000, seed=11, planted_effects=False))
