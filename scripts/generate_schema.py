"""Write src/supportlens/schema/context.schema.json from the context's types (``make schema``).

    python scripts/generate_schema.py           # (re)write the committed schema
    python scripts/generate_schema.py --check   # exit 1 when the committed schema is not current
"""

from __future__ import annotations

import sys
from pathlib import Path

from supportlens.context import SCHEMA_PATH, generate_schema, schema_text

TARGET = Path(__file__).resolve().parents[1] / "src" / "supportlens" / SCHEMA_PATH


def main(args: list[str]) -> int:
    text = schema_text(generate_schema())
    if "--check" in args:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is not current: run `make schema`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
