"""Export a JSON Schema per event type and version; `--check` fails on stale files.

Usage: python -m contracts.schema_export [--check]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from contracts.envelope import Envelope
from contracts.registry import all_types

SCHEMA_DIR = Path(__file__).parent / "schemas"


def schemas() -> dict[str, str]:
    """File name -> contents of every schema, deterministic."""
    found = {"envelope.json": Envelope.model_json_schema()}
    for model in all_types():
        schema = model.model_json_schema()
        schema["x-event-type"] = model.event_type
        schema["x-context"] = model.context
        schema["x-schema-version"] = model.schema_version
        schema["x-shareable"] = model.shareable
        found[f"{model.event_type}.v{model.schema_version}.json"] = schema
    return {name: json.dumps(s, indent=2, sort_keys=True) + "\n" for name, s in found.items()}


def stale() -> list[str]:
    """Files that differ from, are missing from, or are extra to the generated schemas."""
    wanted = schemas()
    present = {p.name for p in SCHEMA_DIR.glob("*.json")}
    problems = [name for name, text in wanted.items()
                if not (SCHEMA_DIR / name).exists() or (SCHEMA_DIR / name).read_text() != text]
    return sorted(problems + sorted(present - set(wanted)))


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = stale()
        for name in problems:
            print(f"stale schema: contracts/schemas/{name}")
        if problems:
            print("run: python -m contracts.schema_export")
        return 1 if problems else 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for old in SCHEMA_DIR.glob("*.json"):
        old.unlink()
    for name, text in schemas().items():
        (SCHEMA_DIR / name).write_text(text)
    print(f"wrote {len(schemas())} schemas to {SCHEMA_DIR.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
