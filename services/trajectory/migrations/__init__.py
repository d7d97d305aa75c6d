"""Trajectory's store schema: its views (views.py, the one definition); revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.trajectory import follow_up_views, views

SCHEMA = StoreSchema("trajectory", (views.metadata, follow_up_views.metadata),
                     Path(__file__).resolve().parent)
