"""Qlara's wire format, as pure functions: request bodies in; status, webhook and error bodies out.

Sources (all under https://agiletelecom.com/documentation/):
qlara/guides/whatsapp (send fields), qlara/use-cases/UC-001-send-single-sms (send response),
qlara/api/whats-app and qlara/it/api/get-single-status (status words and meanings),
qlara/guides/webhooks (DELIVERY, READ and INBOUND bodies), and the llms-full text linked from
qlara/api/qlara-platform-api (the 429 body). What they leave open is marked "designed".
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any, NamedTuple

from ...core import errors
from ...core.models import Message
from ...core.status import Status
from ...core.timefmt import iso_ms
from ...web.http import ApiError, json_nullable, json_string

CHANNEL = "WHATSAPP"
CHANNELS = ("SMS", "RCS", CHANNEL)

# "+" and digits is what the send accepts (designed: the guide only says "international format");
# a number that is not a plausible E.164 number is accepted and then ends in ERROR, as an
# invalid destination does on the real platform (qlara/api/whats-app lists it among ERROR causes).
# ASCII only: a str pattern's \d also matches Arabic-Indic and full-width digits.
DESTINATION_SHAPE = re.compile(r"\+\d{1,20}", re.ASCII)
PLAUSIBLE_E164 = re.compile(r"\+[1-9]\d{7,14}", re.ASCII)
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
_PARAMETER_TYPES = (str, int, float)  # a tuple: isinstance() with one is faster than with a union
MAX_CAMPAIGN_ID = 255
MAX_MESSAGE_ID = 255
MAX_TEXT = 4096

STATUS_WORDS: dict[Status, str] = {
    Status.QUEUED: "UNKNOWN",
    Status.SENT: "SENT",
    Status.RECEIVED: "RECEIVED",
    Status.DELIVERED: "DELIVERED",
    Status.READ: "READ",
    Status.FAILED: "ERROR",
    Status.EXPIRED: "EXPIRED",
}
_FAILED = Status.FAILED  # read once: an enum member read through its class costs a metaclass lookup

# Our words for each status (designed; the meanings follow qlara/api/whats-app).
DESCRIPTIONS: dict[Status, str] = {
    Status.QUEUED: "No status information is available from WhatsApp yet",
    Status.SENT: "Message forwarded to WhatsApp",
    Status.RECEIVED: "Message acknowledged by WhatsApp, delivery to the handset not yet confirmed",
    Status.DELIVERED: "Message delivered",
    Status.READ: "Message read",
    Status.EXPIRED: "Message expired: not delivered within its validity period",
}

# DELIVERY webhooks carry a numeric statusCode; the guide's one example is 3 = "Message delivered".
# The other numbers are designed.
STATUS_CODES: dict[Status, int] = {
    Status.QUEUED: 0,
    Status.SENT: 1,
    Status.RECEIVED: 2,
    Status.DELIVERED: 3,
    Status.READ: 4,
    Status.FAILED: 5,
    Status.EXPIRED: 6,
}


class SendRequest(NamedTuple):
    """A validated WhatsApp send (a named tuple: as immutable as a frozen dataclass, several times
    cheaper to make, once per send)."""

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
        return PLAUSIBLE_E164.fullmatch(self.destination) is not None


def bad_request(message: str, field: str) -> ApiError:
    """A 400 naming the offending field.

    >>> bad_request("'destination' is required.", "destination").extra
    {'field': 'destination'}
    """
    return ApiError(400, "validation_error", message, field=field)


def _optional_string(body: dict[str, Any], field: str, limit: int) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= limit:
        raise bad_request(f"'{field}' must be a string of 1 to {limit} characters.", field)
    return value


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
    # One loop that checks and converts: a generator for the check, then a comprehension, cost twice this.
    for parameter in parameters:
        if parameter.__class__ is str:
            texts.append(parameter)
        elif isinstance(parameter, _PARAMETER_TYPES) and parameter.__class__ is not bool:
            texts.append(str(parameter))
        else:
            raise _bad_parameters()
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
    destination = body.get("destination")
    if destination is None:
        raise bad_request("'destination' is required.", "destination")
    if not isinstance(destination, str) or not DESTINATION_SHAPE.fullmatch(destination):
        raise bad_request("'destination' must be a phone number in international format, e.g. +393401234567.",
                          "destination")
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
    # Positional, in field order: a named tuple made with keywords costs twice as much.
    return SendRequest(
        destination,
        phone_number_id,
        "template" if has_template else "text",  # type
        content,
        content["template"]["name"] if has_template else None,  # template_name
        _optional_string(body, "campaignId", MAX_CAMPAIGN_ID),
        _optional_string(body, "messageId", MAX_MESSAGE_ID),
        simulation,
        fallback_rcs,
        fallback_sms,
    )


def send_response(customer_message_id: str, simulation: bool) -> str:
    """The send answer, in the shape of the current guides (UC-001) with a ``whatsapp`` result, as JSON text
    (as ``status_body()`` is, and for the same reason).

    >>> import json

    >>> json.loads(send_response("abc", False))["results"]
    {'whatsapp': {'accepted': True, 'reasons': []}}
    """
    return (f'{{"messageId":{json_string(customer_message_id)},"simulation":{"true" if simulation else "false"},'
            '"results":{"whatsapp":{"accepted":true,"reasons":[]}}}')


def description(message: Message) -> str:
    """What ``deliveryStatusDescription`` and a DELIVERY webhook's ``description`` say."""
    if message.status is _FAILED:
        entry = errors.lookup(message.error or errors.GENERIC_FAILURE)
        return f"{entry.title} ({entry.code}): {entry.details}"
    return DESCRIPTIONS[message.status]


def status_body(message: Message) -> str:
    """A message's status as the status endpoints answer it, as JSON text.

    ``deliveryStatus`` and ``deliveryStatusDescription`` are documented; the ids,
    channel, error code and times around them are designed (what a client needs
    to match an answer to its own records).

    Written as JSON text rather than a dict for dumps(): json's C encoder took twice as long
    as building the dict (issue 7). Byte for byte what dumps() made of the dict.

    >>> import json
    >>> message = Message("m1", "qlara", "org", "pn", "+39340", "+39341", "text", 0.0, custom_id="c1")
    >>> json.loads(status_body(message))["deliveryStatus"]
    'UNKNOWN'
    """
    custom_id, status = message.custom_id, message.status
    failed = status is _FAILED
    return (
        f'{{"messageId":{json_string(message.id)},'
        f'"customerMessageId":{json_nullable(custom_id)},'
        f'"channel":"{CHANNEL}","destination":{json_string(message.to)},"deliveryStatus":"{STATUS_WORDS[status]}",'
        f'"deliveryStatusDescription":{json_string(description(message))},'
        f'"errorCode":{message.error if failed and message.error is not None else "null"},'
        f'"createdAt":"{iso_ms(message.created_at)}","updatedAt":"{iso_ms(message.history.last_at)}"}}'
    )


def delivery_event(message: Message, at: float) -> dict[str, Any]:
    """A ``DELIVERY`` webhook body for the message's current status (qlara/guides/webhooks)."""
    return {
        "eventType": "DELIVERY",
        "messageId": message.id,
        "customerMessageId": message.custom_id,
        "destination": message.to,
        "statusCode": STATUS_CODES[message.status],
        "description": description(message),
        "channel": CHANNEL,
        "timestamp": iso_ms(at),
    }


def read_event(message: Message, at: float) -> dict[str, Any]:
    """A ``READ`` webhook body (WhatsApp and RCS only, per qlara/guides/webhooks)."""
    return {"eventType": "READ", "messageId": message.id, "destination": message.to, "channel": CHANNEL,
            "timestamp": iso_ms(at)}


def inbound_event(message: Message) -> dict[str, Any]:
    """An ``INBOUND`` webhook body: ``source`` is the customer, ``destination`` the business number."""
    text = (message.content.data() if message.content else {}).get("text", "")
    return {"eventType": "INBOUND", "source": message.sender, "destination": message.to, "text": text,
            "channel": CHANNEL, "messageType": "TEXT", "timestamp": iso_ms(message.created_at)}


def webhook_body(webhook_id: str, callback_url: str, created_at: float) -> dict[str, Any]:
    """The delivery-status webhook configuration (qlara/use-cases/UC-008-track-delivery-webhooks)."""
    return {"id": webhook_id, "callbackUrl": callback_url, "status": "ACTIVE", "createdAt": iso_ms(created_at)}


def error_body(error: ApiError, path: str, now: float) -> dict[str, Any]:
    """Qlara's error bodies.

    429 is documented exactly: ``{status, error, message, retryAfter}``. Every other
    error is designed in the same spirit, the Spring Boot default that the 429
    mirrors: ``{status, error, message, path, timestamp}`` plus ``field`` for a bad
    request field.

    >>> error_body(ApiError(429, "rate_limited", "x", retry_after=12), "/api/x", 0.0)["message"]
    'Rate limit exceeded. Please retry after 12 seconds.'
    """
    try:
        reason = HTTPStatus(error.status).phrase
    except ValueError:  # a fault may inject a status Python has no phrase for
        reason = "Error"
    if error.status == 429:
        retry_after = int(error.extra.get("retry_after", 1))
        return {"status": 429, "error": reason,
                "message": f"Rate limit exceeded. Please retry after {retry_after} seconds.",
                "retryAfter": retry_after}
    body: dict[str, Any] = {"status": error.status, "error": reason, "message": error.message, "path": path,
                            "timestamp": iso_ms(now)}
    if "field" in error.extra:
        body["field"] = error.extra["field"]
    return body
