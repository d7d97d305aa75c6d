"""The issue's whole aims table from the rows the benches recorded; missing rows say so."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import AIMS, AimRow, not_measured, print_aims  # noqa: E402


def main(path: str) -> None:
    found: dict[str, AimRow] = {}
    if Path(path).exists():
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            row = AimRow(**json.loads(line))
            found[row.key] = row
    rows = [found.get(key) or not_measured(key) for key in AIMS]
    print_aims("Aims of issue 19 (each ratio against a baseline measured in the same run)", rows)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".bench-aims.jsonl")
