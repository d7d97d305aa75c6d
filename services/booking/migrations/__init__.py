"""Booking's store schema: its views (views.py, the one definition); revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.booking import views

SCHEMA = StoreSchema("booking", (views.metadata,), Path(__file__).resolve().parent)
