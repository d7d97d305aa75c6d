"""Each service declares its store's schema beside it; the library names no service."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from apps import migrate as migrate_cli
from apps.bootstrap import store_schemas
from pace.settings import HUB_STORES, PARTNER_STORES
from pace.store import tables
from pace.store.migrate import StoreSchema

ROOT = Path(__file__).resolve().parents[2]
# the partner's figures are reporting's fold over the partner's shared copies: its store's
# revisions live beside that code (services.reporting.partner_figures)
FOLDERS = {"figures": ROOT / "services" / "reporting" / "figures_migrations"}
SERVICE_NAME = re.compile(r"\bservices[./](intake|booking|trajectory|sharing|reporting|web)\b")


def test_every_store_a_process_opens_has_a_declared_schema():
    assert set(store_schemas()) == {*PARTNER_STORES, *HUB_STORES}


def test_each_schema_keeps_its_revisions_in_its_own_service():
    for name, schema in store_schemas().items():
        assert schema.versions == FOLDERS.get(name, ROOT / "services" / name / "migrations")
        assert list(schema.versions.glob("0*.py")), f"{name}: no revisions beside it"


def test_each_table_is_defined_once():
    # one MetaData object may serve two stores (reporting's table in the partner's figures)
    sources = list({id(m): m for m in (tables.metadata, *(
        m for s in store_schemas().values() for m in s.metadata))}.values())

    counts = Counter(t for source in sources for t in source.tables)

    assert [t for t, n in counts.items() if n > 1] == []


def test_a_schema_without_its_revisions_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no migrations folder"):
        StoreSchema("nowhere", (), tmp_path / "absent")


def test_the_command_line_offers_every_declared_store():
    parsed = migrate_cli.arguments().parse_args(["current", "reporting", "sqlite:///x.db"])

    assert parsed.store == "reporting"


def test_the_library_names_no_service_not_even_in_strings():
    found = [f"{path.relative_to(ROOT)}:{n}"
             for path in sorted((ROOT / "pace").rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SERVICE_NAME.search(line)]

    assert found == []
