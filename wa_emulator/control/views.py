"""Provider-neutral JSON views of core objects, for the control API and tests."""

from __future__ import annotations

from typing import Any

from ..core.errors import lookup
from ..core.models import Contact, Message
from ..core.timefmt import iso_ms


def message_view(message: Message) -> dict[str, Any]:
    """A message with its whole status history, in the emulator's own words."""
    error = None
    if message.error is not None:
        entry = lookup(message.error)
        error = {"code": entry.code, "title": entry.title, "details": entry.details}
    return {
        "id": message.id,
        "provider": message.provider,
        "org_id": message.org_id,
        "agent_id": message.agent_id,
        "direction": message.direction,
        "from": message.sender,
        "to": message.to,
        "type": message.type,
        "template": message.template,
        "content": None if message.content is None else message.content.data(),
        "status": message.status.value,
        "wamid": message.wamid,
        "custom_id": message.custom_id,
        "conversation_id": message.conversation_id,
        "error": error,
        "created_at": iso_ms(message.created_at),
        "history": [{"status": change.status.value, "at": iso_ms(change.at)} for change in message.history],
    }


def contact_view(contact: Contact) -> dict[str, Any]:
    return {
        "phone": contact.phone,
        "last_inbound": iso_ms(contact.last_inbound),
        "read_receipts": contact.read_receipts,
        "on_whatsapp": contact.on_whatsapp,
        "online": contact.online,
        "name": contact.name,
    }
