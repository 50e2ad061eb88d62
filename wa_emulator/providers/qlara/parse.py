"""Qlara's requests, validated: the send body, the status lookups' query and the webhook's callback URL.

Sources (all under https://agiletelecom.com/documentation/): qlara/guides/whatsapp (send fields),
qlara/it/api/get-single-status and qlara/api/message-delivery-status (the lookups' parameters),
qlara/use-cases/UC-008-track-delivery-webhooks (the webhook body). What they leave open is marked
"designed". Every refusal is a 400 naming the offending field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ...core.models import WHATSAPP
from ...web.http import ApiError, whole_number

CHANNEL = "WHATSAPP"  # the WhatsApp channel's word; the send of the other two is in sms.py and rcs.py
SMS, RCS = "SMS", "RCS"
CHANNELS = (SMS, RCS, CHANNEL)
# Qlara's channel words and the core's channel names (Message.channel), both ways.
CORE_CHANNEL: dict[str, str] = {SMS: "sms", RCS: "rcs", CHANNEL: WHATSAPP}
CHANNEL_WORD: dict[str, str] = {core: word for word, core in CORE_CHANNEL.items()}
# qlara/guides/sms-universal and UC-010: "yyyy-MM-dd HH:mm:ss.SSSZ", e.g. 2026-04-10 08:00:00.000+0200.
_SCHEDULED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}", re.ASCII)
_PLACEHOLDER_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII)
MAX_PLACEHOLDERS = 100

# "+" and digits is what the send accepts (designed: the guide only says "international format");
# a number that is not a plausible E.164 number is accepted and then ends in ERROR, as an
# invalid destination does on the real platform (qlara/api/whats-app lists it among ERROR causes).
# ASCII only: a str pattern's \d also matches Arabic-Indic and full-width digits.
DESTINATION_SHAPE = re.compile(r"\+\d{1,20}", re.ASCII)
PLAUSIBLE_E164 = re.compile(r"\+[1-9]\d{7,14}", re.ASCII)
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
_PARAMETER_TYPES = (str, int, float)
MAX_CAMPAIGN_ID = 255
MAX_MESSAGE_ID = 255
MAX_TEXT = 4096
# "Keep under a few hundred ids" (qlara/api/message-delivery-status); the exact cut is designed.
MAX_BATCH_IDS = 200
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")  # a "%" that does not start a percent-escape
_URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")  # the characters RFC 3986 allows in a URI


class SendRequest(NamedTuple):
    """A validated WhatsApp send."""

    destination: str
    phone_number_id: int
    type: str  # "template" or "text"
    content: dict[str, Any]
    template_name: str | None
    campaign_id: str | None
    message_id: str | None
    simulation: bool
    fallback_rcs: Any
    fallback_sms: Any

    @property
    def plausible_destination(self) -> bool:
        return plausible(self.destination)


def bad_request(message: str, field: str) -> ApiError:
    """A 400 naming the offending field.

    >>> bad_request("'destination' is required.", "destination").extra
    {'field': 'destination'}
    """
    return ApiError(400, "validation_error", message, field=field)


def optional_string(body: dict[str, Any], field: str, limit: int, *, prefix: str = "") -> str | None:
    """A string field of 1 to ``limit`` characters, or None when absent (``prefix`` names its object)."""
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= limit:
        raise bad_request(f"'{prefix}{field}' must be a string of 1 to {limit} characters.", prefix + field)
    return value


def optional_bool(body: dict[str, Any], field: str, default: bool) -> bool:
    """A boolean field, ``default`` when absent or null.

    >>> optional_bool({}, "simulation", False), optional_bool({"simulation": True}, "simulation", False)
    (False, True)
    """
    value = body.get(field)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_request(f"'{field}' must be true or false.", field)
    return value


def whole(body: dict[str, Any], field: str, *, prefix: str = "", low: int = 0, high: int = 2**31 - 1) -> int | None:
    """An integer field from ``low`` to ``high`` (JSON's true and false are not numbers here), or None."""
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request(f"'{prefix}{field}' must be a whole number from {low} to {high}.", prefix + field)
    return value


def query_whole(query: Mapping[str, str], name: str, low: int, high: int, default: int | None = None) -> int | None:
    """A query parameter that must be a whole number from ``low`` to ``high``; ``default`` when absent.

    >>> query_whole({"limit": "20"}, "limit", 1, 100), query_whole({}, "page", 0, 9, default=0)
    (20, 0)
    """
    raw = query.get(name)
    if raw is None:
        return default
    value = whole_number(raw, low, high)
    if value is None:
        raise bad_request(f"Query parameter '{name}' must be a whole number from {low} to {high}.", name)
    return value


def parse_destination(body: dict[str, Any]) -> str:
    """The required ``destination``: ``+`` and digits (a number that is not plausible fails later)."""
    destination = body.get("destination")
    if destination is None:
        raise bad_request("'destination' is required.", "destination")
    if not isinstance(destination, str) or not DESTINATION_SHAPE.fullmatch(destination):
        raise bad_request("'destination' must be a phone number in international format, e.g. +393401234567.",
                          "destination")
    return destination


def plausible(destination: str) -> bool:
    """Whether ``destination`` is a plausible E.164 number (one that is not is accepted, then ends in ERROR)."""
    return PLAUSIBLE_E164.fullmatch(destination) is not None


def parse_placeholders(body: dict[str, Any], *, prefix: str = "") -> dict[str, str]:
    """``placeholders``: ``{"name": "Mario"}`` fills ``{name}`` in the text (qlara/guides/sms-universal).

    >>> fill("Ciao {name}, {missing}", parse_placeholders({"placeholders": {"name": "Mario"}}))
    'Ciao Mario, {missing}'
    """
    field = prefix + "placeholders"
    value = body.get("placeholders")
    if value is None:
        return {}
    problem = bad_request(f"'{field}' must be an object of at most {MAX_PLACEHOLDERS} names (letters, digits, "
                          "_ . -) with string or number values.", field)
    if not isinstance(value, dict) or len(value) > MAX_PLACEHOLDERS:
        raise problem
    filled = {}
    for key, text in value.items():
        if not _PLACEHOLDER_KEY.fullmatch(key) or isinstance(text, bool) or not isinstance(text, _PARAMETER_TYPES):
            raise problem
        filled[key] = str(text)
    return filled


def fill(text: str, placeholders: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced; a name without a value stays as written (qlara/rcs)."""
    for key, value in placeholders.items():
        text = text.replace("{" + key + "}", value)
    return text


def parse_scheduled(body: dict[str, Any]) -> float | None:
    """``scheduledDate`` as epoch seconds, or None (send now).

    >>> parse_scheduled({"scheduledDate": "2026-04-10 08:00:00.000+0200"})
    1775800800.0
    """
    value = body.get("scheduledDate")
    if value is None:
        return None
    problem = bad_request("'scheduledDate' must be a date written yyyy-MM-dd HH:mm:ss.SSSZ, e.g. "
                          "2026-04-10 08:00:00.000+0200.", "scheduledDate")
    if not isinstance(value, str) or not _SCHEDULED.fullmatch(value):
        raise problem
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f%z").timestamp()
    except ValueError:  # a 13th month, a 61st minute, an offset beyond ±24 h
        raise problem from None


def _template(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request("'template' must be an object with 'name' and 'language'.", "template")
    name, language = value.get("name"), value.get("language")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("'template.name' is required and must be a non-empty string.", "template.name")
    if not isinstance(language, str) or not LANGUAGE.fullmatch(language):
        raise bad_request("'template.language' must be a language code such as it or en_US.", "template.language")
    parameters = value.get("parameters", [])
    if not isinstance(parameters, list):
        raise _bad_parameters()
    texts = []
    for parameter in parameters:
        # JSON's true and false are ints to isinstance(), but no placeholder's text.
        if isinstance(parameter, bool) or not isinstance(parameter, _PARAMETER_TYPES):
            raise _bad_parameters()
        texts.append(str(parameter))
    return {"template": {"name": name, "language": language, "parameters": texts}}


def _bad_parameters() -> ApiError:
    return bad_request("'template.parameters' must be an array of strings or numbers.", "template.parameters")


def _text_body(value: Any) -> dict[str, Any]:
    # The current guide makes `body` an object; the older WhatsApp page a plain string. Both are taken.
    text = value.get("text") if isinstance(value, dict) else value
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
        raise bad_request(f"'body.text' must be a string of 1 to {MAX_TEXT} characters.", "body.text")
    return {"body": {"text": text}}


def parse_send(body: dict[str, Any]) -> SendRequest:
    """Validate a ``POST /message-server/whatsapp/send`` body, field by field.

    >>> parse_send({"destination": "+393401234567", "phoneNumberId": 5,
    ...             "body": {"text": "Ciao"}}).content
    {'body': {'text': 'Ciao'}}
    """
    destination = parse_destination(body)
    phone_number_id = body.get("phoneNumberId")
    if phone_number_id is None:
        raise bad_request("'phoneNumberId' is required.", "phoneNumberId")
    if not isinstance(phone_number_id, int) or isinstance(phone_number_id, bool):
        # No pointer to GET /message-server/whatsapp/phone-numbers: the emulator does not serve it.
        raise bad_request("'phoneNumberId' must be an integer: the id of one of your account's WhatsApp numbers.",
                          "phoneNumberId")
    has_template, has_body = body.get("template") is not None, body.get("body") is not None
    if has_template == has_body:
        raise bad_request("Exactly one of 'template' and 'body' is required.", "template" if has_template else "body")
    content = _template(body["template"]) if has_template else _text_body(body["body"])
    simulation = body.get("simulation", False)
    if not isinstance(simulation, bool):
        raise bad_request("'simulation' must be true or false.", "simulation")
    fallback_rcs, fallback_sms = body.get("fallbackRcs"), body.get("fallbackSms")
    for field, value in (("fallbackRcs", fallback_rcs), ("fallbackSms", fallback_sms)):
        if value is not None and not isinstance(value, dict | bool):
            raise bad_request(f"'{field}' must be an object.", field)
    if fallback_rcs not in (None, False) and fallback_sms in (None, False):
        raise bad_request("'fallbackSms' is required when 'fallbackRcs' is given.", "fallbackSms")
    return SendRequest(
        destination=destination,
        phone_number_id=phone_number_id,
        type="template" if has_template else "text",
        content=content,
        template_name=content["template"]["name"] if has_template else None,
        campaign_id=optional_string(body, "campaignId", MAX_CAMPAIGN_ID),
        message_id=optional_string(body, "messageId", MAX_MESSAGE_ID),
        simulation=simulation,
        fallback_rcs=fallback_rcs,
        fallback_sms=fallback_sms,
    )


def _known_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise bad_request("Query parameter 'channel' must be SMS, RCS or WHATSAPP.", "channel")
    return channel


def parse_channel(query: Mapping[str, str]) -> str:
    """The single lookup's ``channel``: required, and one of Qlara's channels.

    >>> parse_channel({"channel": "SMS"})
    'SMS'
    """
    channel = query.get("channel")
    if not channel:
        raise bad_request("Query parameter 'channel' is required (SMS, RCS or WHATSAPP).", "channel")
    return _known_channel(channel)


class BatchLookup(NamedTuple):
    """The batch lookup's query: customer message ids, first mention first, and an optional channel."""

    ids: list[str]
    channel: str | None


def parse_batch(query: Mapping[str, str]) -> BatchLookup:
    """``ids`` (or the guide's ``customerMessageIds``), comma-separated, at most ``MAX_BATCH_IDS``.

    >>> parse_batch({"ids": "a,b,,a"})
    BatchLookup(ids=['a', 'b'], channel=None)
    """
    raw = query.get("ids", query.get("customerMessageIds", ""))
    ids = [part for part in raw.split(",") if part]
    if not ids:
        raise bad_request("Query parameter 'ids' is required: comma-separated customer message ids.", "ids")
    if len(ids) > MAX_BATCH_IDS:
        raise ApiError(414, "too_many_ids", f"Too many ids: at most {MAX_BATCH_IDS} per request, got {len(ids)}.")
    channel = query.get("channel")
    return BatchLookup(list(dict.fromkeys(ids)), None if channel is None else _known_channel(channel))


def parse_callback_url(body: dict[str, Any]) -> str:
    """The webhook body's ``callbackUrl``: an absolute http or https URL.

    >>> parse_callback_url({"callbackUrl": "https://hooks.example.test/qlara"})
    'https://hooks.example.test/qlara'
    """
    url = body.get("callbackUrl")
    if not isinstance(url, str) or not url:
        raise bad_request("'callbackUrl' is required.", "callbackUrl")
    invalid = bad_request("'callbackUrl' must be an absolute http or https URL.", "callbackUrl")
    # Only characters RFC 3986 allows in a URI; anything else could never be called back.
    if not _URI.fullmatch(url) or _BAD_ESCAPE.search(url):
        raise invalid
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number (or out of range) raises too
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host
        raise invalid from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise invalid
    return url
