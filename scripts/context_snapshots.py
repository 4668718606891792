"""The refactoring safety net: write (or compare) report/context.json of the sample and of every example.

    python scripts/context_snapshots.py write DIR     # context of each config -> DIR/<name>.json
    python scripts/context_snapshots.py compare DIR   # exit 1 and name each difference when one differs

Run `write` before a change that should not move a number and `compare` after it. A changed or
removed value fails; a new field is listed but allowed (a result that gained a decision, say). The
sample must exist (`supportlens sample`); examples whose data is not beside the repository are
skipped with a note.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from supportlens.build import analysed
from supportlens.config import load_config
from supportlens.context import build_context
from supportlens.ingest import load_dataset

ROOT = Path(__file__).resolve().parents[1]


def configs() -> dict[str, Path]:
    found = {"sample": ROOT / "supportlens.yml"}
    found.update({path.stem: path for path in sorted((ROOT / "examples").glob("*.yml"))})
    return found


def context_of(path: Path) -> dict | None:
    config = load_config(path)
    if not (ROOT / config.data.tickets).exists():
        print(f"skip {path.name}: {config.data.tickets} is not here", file=sys.stderr)
        return None
    dataset = load_dataset(config, ROOT)
    context = build_context(dataset, analysed(dataset, config), config)
    context["provenance"].pop("versions", None)   # the package version is not a number of the report
    return context


def differences(before: object, after: object, where: str = "") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after), key=str):
            if key not in after:
                out.append(f"{where}.{key}: removed")
            elif key not in before:
                out.append(f"{where}.{key}: added")
            else:
                out += differences(before[key], after[key], f"{where}.{key}")
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [d for i, (b, a) in enumerate(zip(before, after)) for d in differences(b, a, f"{where}[{i}]")]
    return [] if before == after else [f"{where}: {str(before)[:120]!r} -> {str(after)[:120]!r}"]


def main(mode: str, folder: str) -> int:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name, path in configs().items():
        context = context_of(path)
        if context is None:
            continue
        target = out / f"{name}.json"
        if mode == "write":
            target.write_text(json.dumps(context, indent=1, sort_keys=True, ensure_ascii=False))
            print(f"wrote {target}")
            continue
        found = differences(json.loads(target.read_text()), json.loads(json.dumps(context)))
        added = [line for line in found if line.endswith(": added")]
        changed = [line for line in found if not line.endswith(": added")]
        print(f"{name}: " + ("identical" if not found else f"{len(changed)} changed or removed, {len(added)} added"))
        for line in changed[:40] + added[:20]:
            print(f"  {line}")
        failed += bool(changed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
