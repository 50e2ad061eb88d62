"""The conversation and contact ids Wazapin's records and webhooks carry, stable for the life of a world.

A conversation is one channel talking to one customer: a send and an inbound message between
the same two share it, so a reply lands in the customer's thread. A contact is one customer of
one organization (``message.new``'s ``contact_id``).
"""

from __future__ import annotations

from ...core.ids import canonical_uuid
from ...core.world import StateKey, World
from .sandbox import NAME


class Directory:
    """The ids handed out so far (a reset forgets them)."""

    def __init__(self) -> None:
        self.conversations: dict[tuple[str, str, str], str] = {}  # (org, channel, customer) -> id
        self.contacts: dict[tuple[str, str], str] = {}  # (org, customer) -> id

    def knows_conversation(self, org_id: str, conversation_id: str) -> bool:
        return any(org == org_id and known == conversation_id
                   for (org, _, _), known in self.conversations.items())


DIRECTORY = StateKey("wazapin.conversations", Directory)


def conversation_id(world: World, org_id: str, channel_id: str, customer: str) -> str:
    """The conversation of ``channel_id`` with ``customer`` (E.164), made on first use."""
    conversations = world.state(DIRECTORY).conversations
    key = (org_id, channel_id, customer)
    if key not in conversations:
        conversations[key] = world.ids.uuid()
    return conversations[key]


def contact_id(world: World, org_id: str, customer: str) -> str:
    """``customer``'s contact id in ``org_id``, made on first use."""
    contacts = world.state(DIRECTORY).contacts
    if (org_id, customer) not in contacts:
        contacts[(org_id, customer)] = world.ids.uuid()
    return contacts[(org_id, customer)]


def own_conversation(world: World, org_id: str, given: str) -> str | None:
    """``given`` as stored, if it names a conversation of ``org_id`` (a send's, an inbound's or a fixture's).

    Designed: a made-up id, or another organization's, would otherwise be accepted silently.
    """
    wanted = canonical_uuid(given) or given
    if world.state(DIRECTORY).knows_conversation(org_id, wanted):
        return wanted
    found = any(m.provider == NAME and m.org_id == org_id and m.conversation_id == wanted for m in world.store)
    return wanted if found else None
