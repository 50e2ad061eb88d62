"""``POST /message-server/rcs/send``: an RCS message from one of the account's RCS agents.

Fields follow https://agiletelecom.com/documentation/qlara/guides/rcs (``destination``, ``agentId``,
``body`` XOR ``templateId``, ``campaignId``, ``messageId``, ``simulation``, ``enableNotification``,
``maxSmsParts``); message types TEXT, CARD and CAROUSEL (2 to 10 cards) and ``{name}`` placeholders
follow https://agiletelecom.com/documentation/rcs. RCS reports reads (the webhooks guide sends READ for
WhatsApp and RCS). A recipient whose phone has no RCS ends in ERROR, and falls back to SMS when the send
carries ``fallbackSms`` ("Falls back to SMS on unsupported devices", guides/channels).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from aiohttp import web

from ...core import errors
from ...core.tenants import Organization
from ...web import keys
from ...web.http import ApiError, read_json_object
from . import sandbox
from .auth import CALLER
from .outbound import accept, check_message_id
from .parse import (
    MAX_CAMPAIGN_ID,
    MAX_MESSAGE_ID,
    RCS,
    bad_request,
    fill,
    optional_bool,
    optional_string,
    parse_destination,
    parse_placeholders,
    parse_scheduled,
    plausible,
    whole,
)
from .refusals import META_INVALID_PARAMETER
from .sms import parse_sms_fallback

TYPES = ("TEXT", "CARD", "CAROUSEL")
MAX_TEXT = 3072  # designed
MAX_CARDS = 10


def rcs_agent_id(agent: int) -> str:
    """The core agent id of an RCS agent.

    >>> rcs_agent_id(10)
    'qlara-rcs-10'
    """
    return f"qlara-rcs-{agent}"


def agents_of(org: Organization) -> dict[int, str]:
    """The account's RCS agents: id -> name (sandbox setting ``rcs_agents``)."""
    agents = org.settings.get(sandbox.RCS_AGENTS, {})
    return agents if isinstance(agents, dict) else {}


def parse_agent(body: dict[str, Any], org: Organization, prefix: str = "") -> int:
    """The required ``agentId``, one of the account's RCS agents (another's is 403, as ``phoneNumberId``)."""
    field = prefix + "agentId"
    agent = whole(body, "agentId", prefix=prefix)
    if agent is None:
        raise bad_request(f"'{field}' is required: the id of one of your account's RCS agents.", field)
    if agent not in agents_of(org):
        raise ApiError(403, "agent_not_allowed", f"{field} {agent} is not an RCS agent of this account.")
    return agent


def parse_content(body: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``body`` (an RCS message object) XOR ``templateId``, as stored: ``{"body": …}`` or ``{"templateId": n}``."""
    has_body, has_template = body.get("body") is not None, body.get("templateId") is not None
    if has_body == has_template:
        field = prefix + ("body" if has_body else "templateId")
        raise bad_request(f"Exactly one of '{prefix}body' and '{prefix}templateId' is required.", field)
    if has_template:
        return {"templateId": whole(body, "templateId", prefix=prefix, low=1)}
    content = body["body"]
    field = prefix + "body"
    if not isinstance(content, dict) or content.get("type", "TEXT") not in TYPES:
        raise bad_request(f"'{field}' must be an object whose 'type' is TEXT, CARD or CAROUSEL.", field + ".type")
    kind = content.get("type", "TEXT")
    placeholders = parse_placeholders(body, prefix=prefix)
    if kind == "TEXT":
        text = content.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            raise bad_request(f"'{field}.text' must be a string of 1 to {MAX_TEXT} characters.", field + ".text")
        return {"body": {**content, "type": kind, "text": fill(text, placeholders)}}
    if kind == "CARD" and not isinstance(content.get("card"), dict):
        raise bad_request(f"'{field}.card' must be an object (title, description, media, suggestions).",
                          field + ".card")
    cards = content.get("cards")
    if kind == "CAROUSEL" and (not isinstance(cards, list) or not 2 <= len(cards) <= MAX_CARDS
                               or not all(isinstance(card, dict) for card in cards)):
        raise bad_request(f"'{field}.cards' must be an array of 2 to {MAX_CARDS} card objects.", field + ".cards")
    return {"body": {**content, "type": kind}}


class RcsSend(NamedTuple):
    """A validated RCS send."""

    destination: str
    agent: int
    content: dict[str, Any]
    campaign_id: str | None
    message_id: str | None
    simulation: bool
    notify: bool
    max_sms_parts: int | None
    fallback_sms: dict[str, Any] | None
    scheduled: float | None


def parse_rcs(body: dict[str, Any], org: Organization) -> RcsSend:
    """Validate a ``POST /message-server/rcs/send`` body, field by field."""
    destination = parse_destination(body)
    agent = parse_agent(body, org)
    content = parse_content(body)
    return RcsSend(destination, agent, content,
                   campaign_id=optional_string(body, "campaignId", MAX_CAMPAIGN_ID),
                   message_id=optional_string(body, "messageId", MAX_MESSAGE_ID),
                   simulation=optional_bool(body, "simulation", False),
                   notify=optional_bool(body, "enableNotification", True),
                   max_sms_parts=whole(body, "maxSmsParts", low=1, high=10),
                   fallback_sms=parse_sms_fallback(body.get("fallbackSms")),
                   scheduled=parse_scheduled(body))


def reachable(org: Organization, destination: str) -> int | None:
    """The Meta-catalog code an RCS message to ``destination`` fails with before it is sent, or None.

    A phone without RCS (sandbox setting ``rcs_unreachable``) is undeliverable (131026); a number that is
    not plausible is an invalid parameter (131009), as on WhatsApp.
    """
    if not plausible(destination):
        return META_INVALID_PARAMETER
    return errors.UNDELIVERABLE if sandbox.listed(org.settings, sandbox.RCS_UNREACHABLE, destination) else None


def content_type(content: dict[str, Any]) -> str:
    """The core message type: ``template`` for a templateId, else the body's type in lower case."""
    return "template" if "templateId" in content else str(content["body"]["type"]).lower()


async def send_rcs(request: web.Request) -> web.Response:
    """``POST /message-server/rcs/send``: validate, then (unless simulating) create the RCS message."""
    world, org = request.app[keys.world], request[CALLER].org
    send = parse_rcs(await read_json_object(request), org)
    check_message_id(world, org.id, send.message_id, RCS)
    return accept(world, org, simulation=send.simulation, results={"rcs": {"accepted": True, "reasons": []}},
                  refusal=reachable(org, send.destination), at=send.scheduled,
                  channel=RCS, agent_id=rcs_agent_id(send.agent), sender=str(send.agent), to=send.destination,
                  type=content_type(send.content), content=send.content, custom_id=send.message_id,
                  extra={"campaignId": send.campaign_id, "enableNotification": send.notify,
                         "maxSmsParts": send.max_sms_parts, "fallbackSms": send.fallback_sms})
