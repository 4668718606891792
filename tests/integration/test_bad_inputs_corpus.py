"""A corpus of bad and unusual inputs, each written here from the six hand-worked tickets, each with its outcome:
read (and what the data-quality log says: check, column, rows, example), or refused with a clear error naming
the file and the fix. The last cases run whole builds: no input gives a traceback."""

from __future__ import annotations

import io
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from supportlens.analysis import refuse_empty_period
from supportlens.analysis.core.period import reporting_period
from supportlens.config import Config, load_config
from supportlens.dataset import Check
from supportlens.errors import SupportlensError
from supportlens.ingest import load_dataset
from support import TINY_TICKETS, run_cli

TINY = pd.read_csv(io.StringIO(TINY_TICKETS), dtype=str)     # T1..T6, created 2026-02-02 .. 2026-03-31
AS_OF = "2026-03-31T12:00:00Z"


def csv_text(frame: pd.DataFrame = TINY, **options) -> str:
    return frame.to_csv(index=False, lineterminator="\n", **options)


def with_column(column: str, values: list) -> pd.DataFrame:
    return TINY.assign(**{column: values})


def epoch(unit: str) -> pd.DataFrame:
    stamps = pd.to_datetime(TINY["created_at"], utc=True).dt.as_unit(unit).astype("int64")
    return with_column("created_at", stamps.astype(str).tolist())


@dataclass
class Case:
    files: dict[str, bytes | str]          # file name -> content; "tickets" is the first file
    data: dict | None = None               # extra data.* keys
    config: dict | None = None             # other config sections


def config_for(folder: Path, case: Case) -> Config:
    names = list(case.files)
    data = {"tickets": str(folder / names[0]), "events": None, "accounts": None, "agents": None}
    for name in names[1:]:
        data[name.split(".")[0]] = str(folder / name)
    return Config.model_validate({"data": {**data, **(case.data or {})}, "period": {"as_of": AS_OF},
                                  **(case.config or {})})


def load(tmp_path: Path, case: Case):
    for name, content in case.files.items():
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return load_dataset(config_for(tmp_path, case))


CAFE = with_column("category", ["café", "billing", "bug", "how_to", "billing", "how_to"])
EURO = with_column("category", ["€ refunds", "billing", "bug", "how_to", "billing", "how_to"])
ACCOUNTS = "account_id,industry\nA1,Retail\nA2,Finance\nA1,Media\n"
AGENTS = "agent_id,group,tier\nG1,Tier 1,1\nG2,Tier 2,2\nG2,Tier 3,3\nG3,Tier 1,1\n"

# name -> (case, check, column, rows, example or None, what else holds)
READ: dict[str, tuple[Case, Check | None, str | None, int | None, str | None, Callable]] = {
    "latin-1": (Case({"tickets.csv": csv_text(CAFE).encode("latin-1")}), Check.READ_AS, None, 6, None,
                lambda d: d.tickets["category"].iloc[0] == "café"
                and d.sources[0].read_as == "Windows-1252, comma-separated"),
    "cp1252 (euro sign)": (Case({"tickets.csv": csv_text(EURO).encode("cp1252")}), Check.READ_AS, None, 6, None,
                           lambda d: d.tickets["category"].iloc[0] == "€_refunds"),
    "UTF-16 with BOM": (Case({"tickets.csv": csv_text(CAFE).encode("utf-16")}), Check.READ_AS, None, 6, None,
                        lambda d: d.sources[0].read_as == "UTF-16, comma-separated"
                        and d.tickets["category"].iloc[0] == "café"),
    "UTF-8 with BOM": (Case({"tickets.csv": b"\xef\xbb\xbf" + csv_text(CAFE).encode("utf-8")}), None, None, None,
                       None, lambda d: list(d.tickets["ticket_id"]) == ["T1", "T2", "T3", "T4", "T5", "T6"]
                       and d.tickets["category"].iloc[0] == "café"),
    "encoding configured": (Case({"tickets.csv": csv_text(CAFE).encode("latin-1")}, {"encoding": "latin-1"}),
                            Check.READ_AS, None, 6, None, lambda d: d.sources[0].read_as == "Latin-1, comma-separated"),
    "semicolons": (Case({"tickets.csv": csv_text(sep=";")}), Check.READ_AS, None, 6, None,
                   lambda d: d.sources[0].read_as == "UTF-8, semicolon-separated" and len(d.tickets) == 6),
    "tabs in a .csv": (Case({"tickets.csv": csv_text(sep="\t")}), Check.READ_AS, None, 6, None,
                       lambda d: d.sources[0].read_as == "UTF-8, tab-separated"),
    "pipes": (Case({"tickets.csv": csv_text(sep="|")}), Check.READ_AS, None, 6, None,
              lambda d: d.tickets["priority"].tolist() == ["normal", "normal", "critical", "high", "low", "normal"]),
    "delimiter configured": (Case({"tickets.txt": csv_text(sep=";")}, {"delimiter": "semicolon"}), Check.READ_AS,
                             None, 6, None, lambda d: len(d.tickets) == 6),
    "quoted commas and line breaks": (
        Case({"tickets.csv": csv_text(with_column("category", ["a, b", "x\ny", "bug", "how_to", "billing", "c;d"]))}),
        None, None, None, None, lambda d: d.tickets["category"].tolist()[:2] == ["a,_b", "x_y"]),
    "epoch seconds": (Case({"tickets.csv": csv_text(epoch("s"))}), Check.EPOCH_TIMESTAMP, "created_at", 6,
                      "1770022800 → 2026-02-02 09:00:00 UTC",
                      lambda d: d.tickets["created_at"].iloc[0] == pd.Timestamp("2026-02-02T09:00:00Z")),
    "epoch milliseconds": (Case({"tickets.csv": csv_text(epoch("ms"))}), Check.EPOCH_TIMESTAMP, "created_at", 6,
                           "1770022800000 → 2026-02-02 09:00:00 UTC",
                           lambda d: d.tickets["created_at"].iloc[5] == pd.Timestamp("2026-02-20T09:00:00Z")),
    "a few garbage solve times": (
        Case({"tickets.csv": csv_text(with_column("solved_at", ["soon", *TINY["solved_at"].tolist()[1:]]))}),
        Check.UNPARSEABLE_TIMESTAMP, "solved_at", 1, "soon", lambda d: pd.isna(d.tickets["solved_at"].iloc[0])),
    "spring clock change": (
        Case({"tickets.csv": csv_text(with_column("created_at", ["2026-03-29 02:30:00", *[
            s.replace("T", " ").replace("Z", "") for s in TINY["created_at"][1:]]]).drop(
            columns=["first_response_at", "first_solved_at", "solved_at", "closed_at"]))}, {"timezone": "Europe/Berlin"}),
        Check.DST_TIME, "created_at", 1, "2026-03-29 02:30:00",
        lambda d: d.tickets["created_at"].iloc[0] == pd.Timestamp("2026-03-29T01:00:00Z")),   # 03:00 CEST
    "autumn clock change": (
        Case({"tickets.csv": csv_text(with_column("created_at", ["2025-10-26 02:30:00", *[
            s.replace("T", " ").replace("Z", "") for s in TINY["created_at"][1:]]]).drop(
            columns=["first_response_at", "first_solved_at", "solved_at", "closed_at"]))}, {"timezone": "Europe/Berlin"}),
        Check.DST_TIME, "created_at", 1, "2025-10-26 02:30:00",
        lambda d: d.tickets["created_at"].iloc[0] == pd.Timestamp("2025-10-26T00:30:00Z")),   # the first: CEST
    "typo'd future year": (
        Case({"tickets.csv": csv_text(with_column("closed_at", ["", "2062-02-07T10:00:00Z", "", "", "", ""]))}),
        Check.FUTURE_TIMESTAMP, "closed_at", 1, "T2", lambda d: pd.isna(d.tickets["closed_at"].iloc[1])),
    "a solve time after the build, before the as-of": (   # the build's clock: 2099 has not come
        Case({"tickets.csv": csv_text(with_column("solved_at", [*TINY["solved_at"].tolist()[:5], "2099-02-21T09:00:00Z"]))},
             None, {"period": {"as_of": "2099-03-01T00:00:00Z"}}),
        Check.FUTURE_TIMESTAMP, "solved_at", 1, "T6", lambda d: pd.isna(d.tickets["solved_at"].iloc[5])),
    "an as-of after the build": (Case({"tickets.csv": csv_text()}, None, {"period": {"as_of": "2099-01-01T00:00:00Z"}}),
                                 Check.FUTURE_TIMESTAMP, None, 2, "2099-01-01T00:00:00Z",   # T4 open, T5 new
                                 lambda d: len(d.tickets) == 6),
    "CSAT out of range": (Case({"tickets.csv": csv_text(with_column("csat", ["5", "3", "", "", "", "9"]))}),
                          Check.OUT_OF_RANGE, "csat", 1, "9.0", lambda d: d.tickets["csat"].notna().sum() == 2),
    "a negative count": (Case({"tickets.csv": csv_text(with_column("reopens", ["0", "-2", "1", "0", "0", "0"]))}),
                         Check.OUT_OF_RANGE, "reopens", 1, "-2", lambda d: pd.isna(d.tickets["reopens"].iloc[1])
                         and d.tickets["reopens"].iloc[2] == 1),
    "a few words in a number column": (
        Case({"tickets.csv": csv_text(with_column("replies", ["1", "2", "many", "1", "0", "1"]))}),
        Check.NOT_A_NUMBER, "replies", 1, "many", lambda d: pd.isna(d.tickets["replies"].iloc[2])),
    "duplicate ticket ids": (Case({"tickets.csv": csv_text(with_column("ticket_id", ["T1", "T1", "T3", "T4", "T5", "T6"]))}),
                             Check.DUPLICATE_ID, "ticket_id", 1, "T1", lambda d: len(d.tickets) == 5),
    "duplicate account ids": (Case({"tickets.csv": csv_text(), "accounts.csv": ACCOUNTS}), Check.DUPLICATE_ID,
                              "account_id", 1, "A1", lambda d: d.accounts["industry"].tolist() == ["finance", "media"]),
    "duplicate agent ids": (Case({"tickets.csv": csv_text(), "agents.csv": AGENTS}), Check.DUPLICATE_ID, "agent_id", 1,
                            "G2", lambda d: d.agents["tier"].tolist() == [1, 3, 1]),
    "extra dimension the export lacks": (Case({"tickets.csv": csv_text()}, None, {"segments": {"extra_dimensions": ["region"]}}),
                                         Check.EXTRA_DIMENSION_ABSENT, "region", 0, None, lambda d: "region" not in d.tickets),
    "only the required columns": (Case({"tickets.csv": csv_text(TINY[["ticket_id", "created_at", "status", "priority"]])}),
                                  None, None, None, None, lambda d: "solved_at" not in d.tickets),
    "JSON list of records": (Case({"tickets.json": TINY.to_json(orient="records")}), None, None, None, None,
                             lambda d: len(d.tickets) == 6),
    "JSON envelope": (Case({"tickets.json": json.dumps({"tickets": json.loads(TINY.to_json(orient="records"))})}),
                      None, None, None, None, lambda d: len(d.tickets) == 6),
    "JSON lines": (Case({"tickets.jsonl": TINY.to_json(orient="records", lines=True)}), None, None, None, None,
                   lambda d: len(d.tickets) == 6),
    "JSON lines in a .json file": (Case({"tickets.json": TINY.to_json(orient="records", lines=True)}), None, None,
                                   None, None, lambda d: d.tickets["ticket_id"].tolist()[-1] == "T6"),
}


@pytest.mark.parametrize("name", list(READ))
def test_read_and_said(tmp_path, name):
    case, check, column, rows, example, holds = READ[name]
    dataset = load(tmp_path, case)
    if check is not None:
        found = [q for q in dataset.quality if q.check == check and q.column == column]
        assert found, [(q.check, q.column) for q in dataset.quality]
        assert found[0].rows == rows
        if example is not None:
            assert found[0].example == example
    else:
        assert not [q for q in dataset.quality if q.check == Check.READ_AS]
    assert holds(dataset)


# name -> (case, words of the problem, words of the fix)
REFUSED: dict[str, tuple[Case, str, str]] = {
    "JSON list of numbers": (Case({"tickets.json": "[1, 2, 3]"}), "record 1 is a number (1)", "as an object of its fields"),
    "JSON object without records": (Case({"tickets.json": '{"count": 3}'}),
                                    "expected a JSON list of tickets records, found an object (its keys: count)",
                                    "an object with a 'tickets' list"),
    "JSON cut short": (Case({"tickets.json": '[{"ticket_id": "T1"'}), "not valid JSON", "export the file again"),
    "JSON lines with a broken line": (Case({"tickets.jsonl": '{"ticket_id": "T1"}\n{oops\n'}), "line 2 is not JSON",
                                      "one JSON object per line"),
    "timestamps that are mostly garbage": (Case({"tickets.csv": csv_text(with_column("created_at", ["soon"] * 5 + ["2026-02-02T09:00:00Z"]))}),
                                           "column 'created_at' of the tickets file holds values that are not timestamps (5 of 6)",
                                           "ISO 8601"),
    "numbers that are mostly words": (Case({"tickets.csv": csv_text(with_column("csat", ["good", "bad", "ok", "", "", "5"]))}),
                                      "column 'csat' of the tickets file holds values that are not numbers (3 of 4); "
                                      "first at data row 1: 'good'", "data.values.csat"),
    "the wrong encoding configured": (Case({"tickets.csv": csv_text(CAFE).encode("latin-1")}, {"encoding": "utf-8"}),
                                      "cannot be read as utf-8", "set data.encoding"),
    "the wrong delimiter configured": (Case({"tickets.csv": csv_text(sep=";")}, {"delimiter": "comma"}),
                                       "required column 'ticket_id' is missing", "data.mapping.tickets.ticket_id"),
    "a row with more cells than the header": (Case({"tickets.csv": "ticket_id,created_at,status,priority\n"
                                                    "T1,2026-02-02T09:00:00Z,open,high,extra,more\n"}),
                                              "could not read tickets file", "check the delimiter"),
    "an as-of time before every ticket": (Case({"tickets.csv": csv_text()}, None, {"period": {"as_of": "2020-01-01"}}),
                                          "the as-of time '2020-01-01' (2020-01-01 00:00 UTC) is before the first "
                                          "ticket, created 2026-02-02 09:00 UTC", "set period.as_of"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_with_the_fix(tmp_path, name):
    case, problem, fix = REFUSED[name]
    with pytest.raises(SupportlensError) as caught:
        load(tmp_path, case)
    assert problem in caught.value.problem and fix in (caught.value.fix or "")
    if "as-of" not in name:
        assert str(tmp_path / next(iter(case.files))) in caught.value.problem   # the error names the file


def test_a_reporting_period_without_tickets_is_refused(tmp_path):
    dataset = load(tmp_path, Case({"tickets.csv": csv_text()}))
    config = Config.model_validate({"period": {"as_of": "2030-06-01T00:00:00Z", "length": "quarter"}})
    period = reporting_period(dataset.tickets, config.period)
    with pytest.raises(SupportlensError) as caught:
        refuse_empty_period(dataset.tickets, period, config.period.as_of)
    assert caught.value.problem == ("no ticket was created in the reporting period Q1 2030 (2030-01-01 to 2030-04-01); "
                                    "the data runs from 2026-02-02 to 2026-03-31")
    assert "period.length: all" in caught.value.fix


@pytest.mark.parametrize("setting, problem, fix", [
    ("sla:\n  targets:\n    critical: {first_response: 0, resolution: -4}\n",
     "'sla.targets.critical.first_response': Input should be greater than 0",
     "set sla.targets.critical.first_response to a value greater than 0; sla.targets.critical.resolution to a value "
     "greater than 0"),
    ("targets:\n  resolution_median_hours: -1\n", "'targets.resolution_median_hours': Input should be greater than 0",
     "set targets.resolution_median_hours to a value greater than 0"),
    ("data:\n  delimiter: colon\n", "unknown delimiter 'colon'", "check the spelling"),
    ("data:\n  encoding: klingon\n", "unknown encoding 'klingon'", "check the spelling"),
])
def test_impossible_settings_are_refused_with_the_fix(tmp_path, setting, problem, fix):
    path = tmp_path / "supportlens.yml"
    path.write_text(setting)
    with pytest.raises(SupportlensError) as caught:
        load_config(path)
    assert problem in caught.value.problem and fix in caught.value.fix


# whole builds: exit code, and never a traceback
BUILDS = {
    "only the required columns": (csv_text(TINY[["ticket_id", "created_at", "status", "priority"]]), "", 0, "Built _site"),
    "latin-1 with quoted line breaks": (csv_text(with_column("category", ["café", "x\ny", "bug", "bug", "x\ny", "café"]))
                                        .encode("latin-1"), "", 0, "Built _site"),
    "JSON list of numbers": (b"[1, 2, 3]", "", None, "record 1 is a number"),
    "as-of before every ticket": (csv_text(), "period: {as_of: '2020-01-01'}\n", None, "is before the first ticket"),
    "no status column": (csv_text(TINY.drop(columns="status")), "", None, "required column 'status' is missing"),
}


@pytest.mark.parametrize("name", list(BUILDS))
def test_whole_build_answers_without_a_traceback(tmp_path, name):
    content, extra, code, words = BUILDS[name]
    suffix = ".json" if name.startswith("JSON") else ".csv"
    (tmp_path / f"tickets{suffix}").write_bytes(content if isinstance(content, bytes) else content.encode())
    (tmp_path / "supportlens.yml").write_text(textwrap.dedent(f"""\
        data: {{tickets: tickets{suffix}, events: null, accounts: null, agents: null}}
        """) + (extra or f"period: {{as_of: '{AS_OF}'}}\n"))
    result = run_cli("build", "--engine", "builtin", "--no-pdf", cwd=tmp_path)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    if code == 0:   # the result on stdout, progress on stderr
        assert words in result.stdout, result.stderr
        assert result.returncode == 0 and (tmp_path / "_site" / "index.html").exists()
    else:           # a runtime error: exit 1, the message on stderr
        assert words in result.stderr
        assert result.returncode == 1 and not (tmp_path / "_site").exists()
