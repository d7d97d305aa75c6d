"""The hub's reporting store schema: the network log (network_log.py); revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.reporting import network_log

SCHEMA = StoreSchema("reporting", (network_log.metadata,), Path(__file__).resolve().parent)
