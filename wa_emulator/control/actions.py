"""Control actions shared by the /_emulator/ routes and the in-process test facade.

They take plain values, change the world, and raise ApiError (rendered by the
control API, readable as an exception in tests) when the input is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.inbound import KINDS, InboundError, fields_of, inbound_content
from ..core.models import Contact, Message
from ..core.tenants import Agent
from ..core.timefmt import parse_duration, parse_iso
from ..core.world import World
from ..web.http import ApiError
from .checks import normal_phone, refuse_unknown


def moment(world: World, value: Any, field: str) -> float | None:
    """An absolute time from an ISO string or a duration relative to now (``"-1h"``)."""
    if value is None:
        return None
    try:
        return world.clock.now() + parse_duration(value)
    except (TypeError, ValueError):
        pass
    try:
        return parse_iso(str(value))
    except ValueError:
        raise ApiError(422, "invalid_time", f"'{field}' must be an ISO time or a duration like \"-1h\".",
                       field=field) from None


def receiving_agent(world: World, provider: str, business: str | None) -> Agent:
    """The sender of ``provider`` that owns ``business`` (a ``normal_phone``; or the first one, if it is None)."""
    agent = world.tenants.receiving_agent(provider, business)
    if agent is None and business is not None:
        raise ApiError(422, "unknown_business_number", f"No {provider} sender owns the number {business!r}.")
    if agent is None:
        raise ApiError(422, "no_sender", f"{provider} has no sender to receive the message.")
    return agent


def receive_inbound(world: World, providers: Sequence[str], provider: Any, customer: Any, text: Any = None,
                    business: Any = None, *, kind: Any = "text", fields: Mapping[str, Any] | None = None) -> Message:
    """A customer writes to a business number of ``provider``; opens the 24-hour window.

    ``kind`` is the message type (``text``, ``image``, ``document``, ``audio``, ``location``,
    ``contact``, ``button_reply``, ``list_reply``, ``reaction``) and ``fields`` its type-specific
    fields (see ``core.inbound.KINDS``); a field of another type, or a required one missing, is a 422
    naming it.
    """
    if provider not in providers:
        raise ApiError(422, "invalid_provider", f"'provider' must be one of {', '.join(providers)}.",
                       field="provider")
    if not isinstance(customer, str) or not customer:
        raise ApiError(422, "missing_field", "'from' (the customer's number) is required.", field="from")
    given = dict(fields or {})
    if text is not None:
        given["text"] = text
    content = checked_content(kind, given)
    customer = normal_phone(customer, "from")
    # Providers write numbers with or without "+" (Wazapin uses bare digits); compare one spelling.
    business = None if business is None else normal_phone(business, "to")
    agent = receiving_agent(world, provider, business)
    return world.receive_inbound(
        provider=provider,
        org_id=agent.org_id,
        agent_id=agent.id,
        customer=customer,
        business=business or agent.phones[0],
        kind=kind,
        content=content,
    )


def checked_content(kind: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    """``core.inbound.inbound_content``, its refusal as the control API's 422 naming the field."""
    try:
        return inbound_content(kind, given)
    except InboundError as exc:
        raise ApiError(422, exc.code, str(exc), field=exc.field) from None


INBOUND_COMMON = ("provider", "from", "to", "type")
INBOUND_FIELDS = (*INBOUND_COMMON, *dict.fromkeys(name for kind in KINDS for name in fields_of(kind)))
CONTACT_FLAGS = ("read_receipts", "on_whatsapp", "online")
CONTACT_FIELDS = (*CONTACT_FLAGS, "name", "last_inbound")


def update_contact(world: World, phone: str, fields: dict[str, Any]) -> Contact:
    """Set a recipient's profile: ``last_inbound`` (ISO, a duration like ``"-1h"``, or None), flags, name.

    ``phone`` is normalised (``15551234567`` and ``+15551234567`` are one contact).
    """
    changes: dict[str, Any] = {}
    refuse_unknown(fields, CONTACT_FIELDS, "contact")
    phone = normal_phone(phone, "phone")
    for flag in CONTACT_FLAGS:
        if flag in fields:
            if not isinstance(fields[flag], bool):
                raise ApiError(422, "invalid_field", f"'{flag}' must be true or false.", field=flag)
            changes[flag] = fields[flag]
    if "name" in fields:
        changes["name"] = None if fields["name"] is None else str(fields["name"])
    if "last_inbound" in fields:
        changes["last_inbound"] = moment(world, fields["last_inbound"], "last_inbound")
    return world.contacts.update(phone, **changes)
