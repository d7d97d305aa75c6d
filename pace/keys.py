"""A partner's secret keys: from the environment, from a file it names, or a file made once.

Keys never come from the repository and never print. Order: `$<NAME>` (the value itself),
`$<NAME>_FILE` (a file holding it: a mounted secret), else `<data dir>/<partner>-<kind>.key`,
created with a new random value on first use (mode 600). Keep that file with the data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def load_key(env: str, default_path: Path, make: Callable[[], str]) -> str:
    """The key's text from $ENV, the file $ENV_FILE names, or `default_path` (made if absent)."""
    if value := os.environ.get(env):
        return value.strip()
    path = Path(os.environ.get(f"{env}_FILE") or default_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(make())
    return path.read_text().strip()
