"""``POST /message-server/sms/send``: Qlara's SMS Universal send, one message to one recipient.

Fields, defaults and the answer follow https://agiletelecom.com/documentation/qlara/guides/sms-universal
and https://agiletelecom.com/documentation/qlara/use-cases/UC-001-send-single-sms (``results.sms`` with
``accepted``, ``unicode``, ``parts``, ``reasons``); ``scheduledDate`` follows UC-010-scheduled-messages.
An SMS never reports a read: the core's ``sms`` channel drops READ from every timeline.
"""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

from aiohttp import web

from ...web import keys
from ...web.http import read_json_object
from .auth import CALLER
from .outbound import accept, check_message_id
from .parse import (
    MAX_CAMPAIGN_ID,
    MAX_MESSAGE_ID,
    SMS,
    bad_request,
    fill,
    optional_bool,
    optional_string,
    parse_destination,
    parse_placeholders,
    parse_scheduled,
    plausible,
)
from .refusals import META_INVALID_PARAMETER

# The GSM 03.38 default alphabet, and its extension table (each of those takes two septets).
GSM_BASIC = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
MAX_PARTS = 10  # designed: the guide only says the length "depends on the encoding"
# Alphanumeric up to 11 characters, or a number (qlara/guides/sms-universal); ASCII only.
SENDER = re.compile(r"[A-Za-z0-9 ]{1,11}|\+?\d{3,16}", re.ASCII)
UDH = re.compile(r"(?:[0-9A-Fa-f]{2}){1,140}", re.ASCII)
DEFAULT_SENDER = "Qlara"  # designed: the sender of a fallback SMS the older boolean form asked for
SMS_AGENT = "qlara-sms"  # the core agent id of every SMS: Qlara sends them from a sender name, not an agent


class Encoding(NamedTuple):
    """How a text travels as SMS: in Unicode (UCS-2) or not, and in how many parts."""

    unicode: bool
    parts: int


def encoding(text: str) -> Encoding:
    """GSM-7 when every character is in the GSM alphabet (160 a part, 153 when concatenated),
    else UCS-2 (70, 67 when concatenated, counted in UTF-16 units).

    >>> encoding("Ciao"), encoding("x" * 161), encoding("Ciao 😀")
    (Encoding(unicode=False, parts=1), Encoding(unicode=False, parts=2), Encoding(unicode=True, parts=1))
    """
    if all(char in GSM_BASIC or char in GSM_EXTENDED for char in text):
        septets = sum(2 if char in GSM_EXTENDED else 1 for char in text)
        return Encoding(False, 1 if septets <= 160 else math.ceil(septets / 153))
    units = len(text.encode("utf-16-le")) // 2
    return Encoding(True, 1 if units <= 70 else math.ceil(units / 67))


def parse_sender(body: dict[str, Any], prefix: str = "") -> str:
    """The required ``sender``: up to 11 letters, digits or spaces, or a number."""
    sender = body.get("sender")
    field = prefix + "sender"
    if sender is None:
        raise bad_request(f"'{field}' is required.", field)
    if not isinstance(sender, str) or not SENDER.fullmatch(sender) or not sender.strip():
        raise bad_request(f"'{field}' must be alphanumeric (at most 11 characters, e.g. MyBrand) or a number "
                          "(e.g. +393401234567).", field)
    return sender


def parse_text(body: dict[str, Any], prefix: str = "") -> tuple[str, Encoding]:
    """The required ``body`` with its ``placeholders`` filled, and how it travels (at most ``MAX_PARTS`` parts)."""
    field = prefix + "body"
    text = body.get("body")
    if not isinstance(text, str) or not text:
        raise bad_request(f"'{field}' is required: the SMS text, a non-empty string.", field)
    text = fill(text, parse_placeholders(body, prefix=prefix))
    sized = encoding(text)
    if sized.parts > MAX_PARTS:
        raise bad_request(f"'{field}' is too long: {sized.parts} SMS parts, at most {MAX_PARTS}.", field)
    return text, sized


def parse_sms_fallback(value: Any, boolean_text: str | None = None) -> dict[str, Any] | None:
    """A send's ``fallbackSms``: ``{sender, body, placeholders}`` as stored (``{sender, body}``), or None.

    The older WhatsApp page makes it a boolean: ``true`` then sends ``boolean_text`` from the sandbox's
    default sender (designed), and is refused where no such text exists (``boolean_text`` None).
    """
    if value is None or value is False:
        return None
    if value is True and boolean_text is not None:
        return {"sender": DEFAULT_SENDER, "body": boolean_text[:MAX_PARTS * 67]}
    if not isinstance(value, dict):
        raise bad_request("'fallbackSms' must be an object with 'sender' and 'body'.", "fallbackSms")
    return {"sender": parse_sender(value, "fallbackSms."), "body": parse_text(value, "fallbackSms.")[0]}


class SmsSend(NamedTuple):
    """A validated SMS send."""

    destination: str
    sender: str
    text: str
    encoding: Encoding
    campaign_id: str | None
    message_id: str | None
    udh: str | None
    simulation: bool
    notify: bool
    skip_rcs_override: bool
    scheduled: float | None


def parse_sms(body: dict[str, Any]) -> SmsSend:
    """Validate a ``POST /message-server/sms/send`` body, field by field.

    >>> parse_sms({"destination": "+393471234567", "sender": "TechStore", "body": "Ciao {n}",
    ...            "placeholders": {"n": "Marco"}}).text
    'Ciao Marco'
    """
    destination = parse_destination(body)
    sender = parse_sender(body)
    text, sized = parse_text(body)
    udh = body.get("udhData")
    if udh is not None and (not isinstance(udh, str) or not UDH.fullmatch(udh)):
        raise bad_request("'udhData' must be a User Data Header in hexadecimal (pairs of hex digits).", "udhData")
    return SmsSend(destination, sender, text, sized,
                   campaign_id=optional_string(body, "campaignId", MAX_CAMPAIGN_ID),
                   message_id=optional_string(body, "messageId", MAX_MESSAGE_ID), udh=udh,
                   simulation=optional_bool(body, "simulation", False),
                   notify=optional_bool(body, "enableNotification", True),
                   skip_rcs_override=optional_bool(body, "skipRcsOverride", False),
                   scheduled=parse_scheduled(body))


def destination_refusal(destination: str) -> int | None:
    """The Meta-catalog code an SMS to ``destination`` fails with before it is sent (131009 for a number
    that is not plausible), or None."""
    return None if plausible(destination) else META_INVALID_PARAMETER


def sms_result(sized: Encoding) -> dict[str, Any]:
    """The answer's ``results.sms`` (UC-001)."""
    return {"accepted": True, "unicode": sized.unicode, "parts": sized.parts, "reasons": []}


async def send_sms(request: web.Request) -> web.Response:
    """``POST /message-server/sms/send``: validate, then (unless simulating) create the SMS."""
    send = parse_sms(await read_json_object(request))
    world, org = request.app[keys.world], request[CALLER].org
    check_message_id(world, org.id, send.message_id, SMS)
    return accept(world, org, simulation=send.simulation, results={"sms": sms_result(send.encoding)},
                  refusal=destination_refusal(send.destination), at=send.scheduled,
                  channel=SMS, agent_id=SMS_AGENT, sender=send.sender, to=send.destination, type="text",
                  content={"body": send.text}, custom_id=send.message_id,
                  extra={"campaignId": send.campaign_id, "enableNotification": send.notify,
                         "parts": send.encoding.parts, "udhData": send.udh})
