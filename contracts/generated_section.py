"""A part of a document generated from code, between two marker lines: print, check, write.

Used for the README's indicator definitions (contracts.indicators) and deploy/README.md's
settings table (pace.settings): `python -m <module>` prints the part, `--check` exits 1
when the document's copy is stale, `--write` updates it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GeneratedSection:
    """Where a generated part lives (document and markers) and how it is made."""

    document: Path
    start: str
    end: str
    render: Callable[[], str]
    what: str  # e.g. "indicator definitions", for messages
    command: str  # e.g. "python -m contracts.indicators"
    error: type[Exception] = ValueError  # raised when the markers are missing

    def spliced(self, text: str) -> str:
        """The text with the part between the markers replaced by the current one."""
        start, end = text.find(self.start), text.find(self.end)
        if start < 0 or end < start:
            raise self.error(f"the document has no {self.what} markers ({self.start})")
        return text[:start + len(self.start)] + "\n\n" + self.render() + "\n" + text[end:]

    def main(self, argv: Sequence[str] | None = None) -> int:
        """Print the part; --check: exit 1 when the document's is stale; --write: update it."""
        parser = argparse.ArgumentParser(prog=self.command)
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--write", action="store_true")
        args = parser.parse_args(argv)
        if not (args.check or args.write):
            print(self.render(), end="")
            return 0
        text = self.document.read_text(encoding="utf-8")
        if args.check:
            current = self.spliced(text) == text
            verb = "are" if self.what.endswith("s") else "is"
            print(f"{self.what} {verb} current" if current else
                  f"{self.what} {verb} stale: run {self.command} --write")
            return 0 if current else 1
        self.document.write_text(self.spliced(text), encoding="utf-8")
        return 0
