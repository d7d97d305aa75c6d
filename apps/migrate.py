"""`python -m apps.migrate upgrade|downgrade|current [STORE URL]`: every store's migrations.

Without STORE and URL: every store this process's settings name (PACE_ROLE, PACE_ONLY,
PACE_DATABASE_URL and its password, see pace.settings). The schemas come from the services
(apps.bootstrap.store_schemas); pace.store.migrate runs them.
"""

from __future__ import annotations

import argparse
import sys

from apps.bootstrap import store_schemas
from pace.store import migrate

PROG = "python -m apps.migrate"


def arguments() -> argparse.ArgumentParser:
    """The command line, with the stores the services declare."""
    return migrate.arguments(tuple(store_schemas()), PROG)


def main(argv: list[str] | None = None) -> int:
    """Upgrade, downgrade or show the stores named on the command line or by PACE_* settings."""
    return migrate.main(store_schemas(), argv, PROG)


if __name__ == "__main__":
    sys.exit(main())
