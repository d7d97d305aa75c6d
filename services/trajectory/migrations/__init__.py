"""Trajectory's store schema: its views (views.py, the one definition); revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.trajectory import views

SCHEMA = StoreSchema("trajectory", (views.metadata,), Path(__file__).resolve().parent)
