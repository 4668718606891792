"""Fixtures the tests share. A fixture that builds or simulates something is session-scoped here, so a whole
build of the sample (``project``), an example export's build (``example_site``) or a simulated organisation
(``planted_sample``, ``null_sample``) is made once per run and every test that only reads it reuses it.

``make test`` runs the suite on every core (pytest-xdist, ``--dist loadgroup``); the hooks of worker_groups.py keep
the tests that share a session- or module-scoped fixture of tests/ on one worker, so each of those is still made
once, not once per worker."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from supportlens.config import Config
from support import EXAMPLES, ROOT, SHARED, TINY_TICKETS, run_cli
from worker_groups import (pytest_collection_modifyitems, pytest_configure, pytest_unconfigure,  # noqa: F401
                           pytest_xdist_make_scheduler)

# The builds the tests start run in other folders (run_cli's cwd): a relative PYTHONPATH (`PYTHONPATH=src`) would
# point them at whatever supportlens the environment has installed instead of the code under test.
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in os.environ["PYTHONPATH"].split(os.pathsep) if p)

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


@pytest.fixture(scope="session")
def example_site(request, tmp_path_factory) -> Path:
    """A project folder built (site and both PDFs, builtin engine) from one of examples/*.yml, named by the test's
    parameter: ``@pytest.mark.parametrize("example_site", ["helpdesk_eventlog"], indirect=True)``. Built once
    per example for the whole run; skipped where ../shared/data (the real exports) is absent."""
    name = request.param
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (real data is not in a fresh clone)")
    work = tmp_path_factory.mktemp(f"example-{name}")
    (work / "shared").symlink_to(SHARED.parent)   # the example reads ../shared/data
    folder = work / "project"
    folder.mkdir()
    shutil.copy(EXAMPLES / f"{name}.yml", folder / "supportlens.yml")
    built = run_cli("build", "--engine", "builtin", cwd=folder)
    assert built.returncode == 0, built.stderr
    return folder
