"""The intake service: commands on request/reply, the vault beside the event store."""

from __future__ import annotations

from typing import Any

from contracts.commands import (
    DeclineReferral,
    EnrolFamily,
    EraseFamily,
    HoldReferral,
    KeepContactNote,
    RecordConsent,
    ReferFamily,
    SetReferralPriority,
    WithdrawConsent,
)
from pace.commands import CommandMeta, execute_with
from pace.service import CommandRoute, Service, routes_for
from pace.store import EventStore, RecordedEvent
from services.intake import access, vault, views, waiting
from services.intake.domain import decider, stream_id


def personal_data(command: ReferFamily) -> dict[str, Any]:
    """Everything of a referral that names or reaches a person: for the vault only."""
    return {
        "parents": [p.model_dump(mode="json", exclude={"gender"}) for p in command.parents],
        "children": [{"child_id": c.child_id, "first_name": c.first_name}
                     for c in command.children],
        "notes": command.notes,
    }


def build(partner: str, store: EventStore, vault_key: vault.VaultKey) -> Service:
    async def refer_family(command: ReferFamily, meta: CommandMeta) -> list[RecordedEvent]:
        return await execute_with(
            store, decider, stream_id(command.family_id), command, meta,
            lambda tx, _events: vault.put(tx.connection, command.family_id,
                                          personal_data(command), vault_key))

    async def erase_family(command: EraseFamily, meta: CommandMeta) -> list[RecordedEvent]:
        recorded = await execute_with(
            store, decider, stream_id(command.family_id), command, meta,
            lambda tx, _events: vault.erase(tx.connection, command.family_id))
        await store.db.purge(vault.PERSONAL_TABLES)  # no copy left in the WAL or free pages
        return recorded

    async def keep_contact_note(command: KeepContactNote, _meta: CommandMeta
                                ) -> list[RecordedEvent]:
        """A coach's contact note into the vault; the contact itself is trajectory's event."""
        await store.db.write(vault.put_note, command.family_id, command.contact_id,
                             command.note, vault_key)
        return []

    async def read_recorded(read: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        rows = await store.db.read(read, params, vault_key)
        reader, purpose = access.who_and_why(params)
        await store.db.write(access.record, [r["family_id"] for r in rows if r["personal"]],
                             reader, purpose, service.clock())
        return [{k: v for k, v in r.items() if k != "personal"} for r in rows]

    async def families_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await read_recorded(views.list_families, params)

    async def family_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await read_recorded(views.family_details, params)

    async def waiting_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await read_recorded(waiting.waiting_list, params)

    async def contact_notes_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await read_recorded(vault.family_notes, params)

    async def answers_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(waiting.referrer_answers, params)

    async def access_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(access.listed, params)

    service = Service(partner, "intake", store, [
        CommandRoute("refer_family", ReferFamily, refer_family),
        *routes_for(store, decider, (RecordConsent, WithdrawConsent, EnrolFamily, DeclineReferral),
                    lambda command: stream_id(command.family_id)),
        *routes_for(store, decider, (HoldReferral, SetReferralPriority),
                    lambda command: stream_id(command.family_id)),
        CommandRoute("erase_family", EraseFamily, erase_family),
        CommandRoute("keep_contact_note", KeepContactNote, keep_contact_note),
    ],
        tables=[vault.metadata, views.metadata, access.metadata, waiting.metadata],
        projections=[views.apply_intake, waiting.apply_waiting],  # commit with their events
        queries={"families": families_query, "family": family_query, "access": access_query,
                 "waiting": waiting_query, "answers": answers_query,
                 "contact_notes": contact_notes_query})
    return service

