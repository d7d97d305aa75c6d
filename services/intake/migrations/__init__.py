"""Intake's store schema: vault, views (families, consents, waiting list), access; revisions."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.intake import access, vault, views, waiting

SCHEMA = StoreSchema("intake", (vault.metadata, views.metadata, access.metadata,
                                waiting.metadata),
                     Path(__file__).resolve().parent)
