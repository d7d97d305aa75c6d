"""Intake's store schema: vault, families and consents views, access records; revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.intake import access, vault, views

SCHEMA = StoreSchema("intake", (vault.metadata, views.metadata, access.metadata),
                     Path(__file__).resolve().parent)
