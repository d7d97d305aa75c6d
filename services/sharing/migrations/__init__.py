"""Sharing's store schema: consents, withheld events, referrals, children; revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.sharing import views

SCHEMA = StoreSchema("sharing", (views.metadata,),
                     Path(__file__).resolve().parent)
