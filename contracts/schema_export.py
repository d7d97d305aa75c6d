"""Export a JSON Schema per event type and version; `--check` fails on stale files.

Usage: python -m contracts.schema_export [--check]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from contracts.envelope import Envelope
from contracts.registry import EVENT_TYPES, all_types

SCHEMA_DIR = Path(__file__).parent / "schemas"
REGENERATE = "python -m contracts.schema_export"


def _render(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def schemas() -> dict[str, str]:
    """File name -> contents of every schema file, exactly as the exporter would write them."""
    found: dict[str, str] = {"envelope.json": _render(Envelope.model_json_schema())}
    for model in all_types():
        schema = model.model_json_schema()
        schema["x-event-type"] = model.event_type
        schema["x-context"] = model.context
        schema["x-schema-version"] = model.schema_version
        schema["x-current"] = EVENT_TYPES[model.event_type] is model
        schema["x-shareable"] = model.shareable
        found[f"{model.event_type}.v{model.schema_version}.json"] = _render(schema)
    return found


def stale(directory: Path = SCHEMA_DIR) -> list[str]:
    """Files that differ from, are missing from, or are extra to the generated schemas."""
    wanted = schemas()
    present = {path.name: path for path in directory.glob("*.json")}
    differing = [name for name, text in wanted.items()
                 if name not in present or present[name].read_text(encoding="utf-8") != text]
    return sorted([*differing, *(set(present) - set(wanted))])


def write(directory: Path = SCHEMA_DIR) -> int:
    """Replace the schema files with freshly generated ones; returns how many were written."""
    wanted = schemas()
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.json"):
        if old.name not in wanted:
            old.unlink()
    for name, text in wanted.items():
        (directory / name).write_text(text, encoding="utf-8")
    return len(wanted)


def main(argv: list[str] | None = None) -> int:
    """Write the schemas, or with --check list the stale ones and exit 1."""
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        problems = stale()
        for name in problems:
            print(f"stale schema: contracts/schemas/{name}")
        if problems:
            print(f"run: {REGENERATE}")
        return 1 if problems else 0
    print(f"wrote {write()} schemas to {SCHEMA_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
