"""A partner's figures store schema: its shared copies (reporting's views.py); revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.reporting import views as shared_log

SCHEMA = StoreSchema("figures", (shared_log.metadata,), Path(__file__).resolve().parent)
