"""Webhook endpoints an organization registered, and the events it may subscribe to.

https://docsx.wazapin.com/api/webhooks: endpoints with a URL, an event filter and a
``whsec_`` secret shown once; rotate, test, delete. Designed here: an empty or
missing filter means every event (as in Svix); after a rotation the old secret
still signs for 24 hours (as in Svix), so receivers can switch without losing events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...core.timefmt import iso_ms

STATUS_UPDATE = "message.status_update"
MESSAGE_NEW = "message.new"
TEST_EVENT = "webhook.test"
# Documented event names; message.sent, conversation.updated and contact.updated are accepted in filters
# but the emulator has nothing that raises them yet.
EVENTS = (MESSAGE_NEW, "message.sent", STATUS_UPDATE, "conversation.updated", "contact.updated")
FORMATS = ("flat", "envelope")
OLD_SECRET_GRACE = 24 * 3600.0


@dataclass(slots=True)
class Endpoint:
    """One receiving URL of one organization."""

    id: str
    org_id: str
    url: str
    secret: str
    events: list[str]
    payload_format: str
    created_at: float
    updated_at: float
    description: str = ""
    disabled: bool = False
    old_secrets: list[tuple[str, float]] = field(default_factory=list)  # (secret, valid until)

    def wants(self, event_type: str) -> bool:
        """Whether this endpoint gets ``event_type`` (an empty filter means every event).

        >>> Endpoint("ep_1", "org", "http://x", "whsec_AAAA", [], "flat", 0.0, 0.0).wants("message.new")
        True
        """
        return not self.disabled and (not self.events or event_type in self.events)

    def signing_secrets(self, now: float) -> list[str]:
        """The current secret, then any rotated-out one still in its grace period."""
        return [self.secret] + [secret for secret, until in self.old_secrets if now < until]

    def view(self, *, with_secret: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "description": self.description,
            "events": list(self.events),
            "disabled": self.disabled,
            "payload_format": self.payload_format,
            "created_at": iso_ms(self.created_at),
            "updated_at": iso_ms(self.updated_at),
        }
        if with_secret:
            data["secret"] = self.secret
        return data


class Registry:
    """Every organization's endpoints, plus the stable ids webhooks mention (conversations, contacts)."""

    def __init__(self) -> None:
        self.endpoints: dict[str, Endpoint] = {}
        self.conversations: dict[tuple[str, str, str], str] = {}  # (org, channel, customer) -> id
        self.contacts: dict[tuple[str, str], str] = {}  # (org, customer) -> id

    def subscribed(self, org_id: str, event_type: str) -> list[Endpoint]:
        """The endpoints of ``org_id`` that get ``event_type`` events (none at all: answered at once).

        >>> Registry().subscribed("org_acme01", "message.new")
        []
        """
        if not self.endpoints:
            return []
        return [endpoint for endpoint in self.of_org(org_id) if endpoint.wants(event_type)]

    def of_org(self, org_id: str) -> list[Endpoint]:
        return [endpoint for endpoint in self.endpoints.values() if endpoint.org_id == org_id]

    def get(self, org_id: str, endpoint_id: str) -> Endpoint | None:
        endpoint = self.endpoints.get(endpoint_id)
        return endpoint if endpoint is not None and endpoint.org_id == org_id else None
