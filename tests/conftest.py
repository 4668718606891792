from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from supportlens.config import Config

ROOT = Path(__file__).resolve().parents[1]

# Six tickets worked out by hand in test_kpis.py; as-of 2026-03-31 12:00 UTC.
TINY_TICKETS = textwrap.dedent("""\
    ticket_id,created_at,first_response_at,first_solved_at,solved_at,closed_at,status,priority,channel,category,tier_max,reopens,replies,csat
    T1,2026-02-02T09:00:00Z,2026-02-02T09:30:00Z,2026-02-02T17:00:00Z,2026-02-02T17:00:00Z,,solved,Normal,email,billing,1,0,1,5
    T2,2026-02-03T10:00:00Z,2026-02-03T20:00:00Z,2026-02-04T10:00:00Z,2026-02-04T10:00:00Z,2026-02-07T10:00:00Z,closed,normal,chat,bug,1,0,2,3
    T3,2026-02-05T08:00:00Z,2026-02-05T08:20:00Z,2026-02-05T11:00:00Z,2026-02-05T14:00:00Z,,solved,Urgent,phone,bug,2,1,3,
    T4,2026-02-10T12:00:00Z,2026-02-10T13:00:00Z,,,,open,high,email,how_to,1,0,1,
    T5,2026-03-31T06:00:00Z,,,,,new,low,web,billing,1,0,0,
    T6,2026-02-20T09:00:00Z,2026-02-20T09:10:00Z,2026-02-21T09:00:00Z,2026-02-21T09:00:00Z,,solved,normal,email,how_to,3,0,1,4
    """)


@pytest.fixture
def tiny_config(tmp_path: Path) -> Config:
    path = tmp_path / "tickets.csv"
    path.write_text(TINY_TICKETS)
    return Config.model_validate({
        "data": {"tickets": str(path), "events": None, "accounts": None, "agents": None},
        "period": {"as_of": "2026-03-31T12:00:00Z"},
    })


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "supportlens.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    """A project folder like a fresh clone: templates, _quarto.yml, a config, sample data; built once."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "templates", folder / "templates")
    shutil.copy(ROOT / "_quarto.yml", folder / "_quarto.yml")
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
    from supportlens.analysis import analyse
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
    return analyse(load_dataset(config), config), data.truth


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
