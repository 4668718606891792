"""What the tests share: the repository's paths, the six hand-worked tickets and the command line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"                 # supportlens.yml of real exports, reading ../shared/data
SHARED = ROOT.parent / "shared" / "data"     # the real exports: on the dev machines only, not in a fresh clone

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


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "supportlens.cli", *args], cwd=cwd, capture_output=True, text=True)
