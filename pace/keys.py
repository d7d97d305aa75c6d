"""A partner's secret keys: from the environment, from a file it names, or a file made once.

Keys never come from the repository and never print. Order: `$<NAME>` (the value itself),
`$<NAME>_FILE` (a file holding it: a mounted secret), else `<key dir>/<partner>-<kind>.key`,
created with a new random value on first use (mode 600). The key directory ($PACE_KEY_DIR,
by default `<data dir>-keys` beside the data directory) is outside the data directory, so a
copy of the data is not a copy of the keys. Keep the key directory and back it up apart.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

KEY_DIR_ENV = "PACE_KEY_DIR"


def default_key_dir(data_dir: Path) -> Path:
    """$PACE_KEY_DIR, else `<data dir>-keys` beside the data directory (never inside it)."""
    if value := os.environ.get(KEY_DIR_ENV):
        return Path(value)
    resolved = data_dir.resolve()
    return resolved.parent / f"{resolved.name}-keys"


def key_file(env: str, default_path: Path) -> Path | None:
    """The file the key comes from, or None when $ENV holds the key itself."""
    if os.environ.get(env):
        return None
    return Path(os.environ.get(f"{env}_FILE") or default_path)


def load_key(env: str, default_path: Path, make: Callable[[], str]) -> str:
    """The key's text from $ENV, the file $ENV_FILE names, or `default_path` (made if absent)."""
    if value := os.environ.get(env):
        return value.strip()
    path = Path(os.environ.get(f"{env}_FILE") or default_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(make())
    return path.read_text().strip()


def replace_key(path: Path, text: str) -> None:
    """Write a key file anew, atomically (mode 600): readers see the old or the new key."""
    partial = path.with_name(path.name + ".new")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)


class KeyInDataDirError(RuntimeError):
    """A key file found inside the data directory, where a copy of the data would take it."""


def refuse_keys_in(data_dir: Path, key_dir: Path, names: list[str]) -> None:
    """Stop when an older layout left key files in the data directory: they must move."""
    for name in names:
        if (data_dir / name).exists() and not (key_dir / name).exists():
            raise KeyInDataDirError(
                f"{data_dir / name} is inside the data directory: move it to {key_dir} "
                f"(or set {KEY_DIR_ENV}), so that a copy of the data does not copy the key")
