"""Sharing's store schema: consents, withheld events, referrals, children; revisions here."""

from pathlib import Path

from pace.store.migrate import StoreSchema
from services.sharing import consent, minimise

SCHEMA = StoreSchema("sharing", (consent.metadata, minimise.metadata),
                     Path(__file__).resolve().parent)
