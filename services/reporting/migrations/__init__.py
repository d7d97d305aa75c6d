"""The hub's reporting store schema: the network log (views.py); revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.reporting import views as network_log

SCHEMA = StoreSchema("reporting", (network_log.metadata,), Path(__file__).resolve().parent)
