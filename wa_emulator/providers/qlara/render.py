"""Qlara's answers, as dicts: the send answer, status bodies, webhook configuration and events, errors.

Sources (all under https://agiletelecom.com/documentation/):
qlara/use-cases/UC-001-send-single-sms (send answer), qlara/api/whats-app and
qlara/it/api/get-single-status (status words and meanings), qlara/guides/webhooks (DELIVERY, READ
and INBOUND bodies), qlara/use-cases/UC-008-track-delivery-webhooks (the webhook configuration),
and the llms-full text linked from qlara/api/qlara-platform-api (the 429 body). What they leave
open is marked "designed".
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...core import errors
from ...core.models import Message
from ...core.status import Status
from ...core.timefmt import iso_ms
from ...web import keys
from ...web.http import ApiError, json_response
from .parse import CHANNEL_WORD

if TYPE_CHECKING:
    from .webhooks import Endpoint

STATUS_WORDS: dict[Status, str] = {
    Status.QUEUED: "UNKNOWN",
    Status.SENT: "SENT",
    Status.RECEIVED: "RECEIVED",
    Status.DELIVERED: "DELIVERED",
    Status.READ: "READ",
    Status.FAILED: "ERROR",
    Status.EXPIRED: "EXPIRED",
}

# Our words for each status (designed; the meanings follow qlara/api/whats-app and, for every channel,
# qlara/it/api/get-single-status). ERROR says why instead. "{to}" names where the message went.
DESCRIPTIONS: dict[Status, str] = {
    Status.QUEUED: "No status information is available from {to} yet",
    Status.SENT: "Message forwarded to {to}",
    Status.RECEIVED: "Message acknowledged by {to}, delivery to the handset not yet confirmed",
    Status.DELIVERED: "Message delivered",
    Status.READ: "Message read",
    Status.EXPIRED: "Message expired: not delivered within its validity period",
}
_FORWARDED_TO = {"WHATSAPP": "WhatsApp", "RCS": "the RCS network", "SMS": "the carrier"}
# Filled in once per channel here, not on every status read and webhook.
_DESCRIBED = {(status, word): text.format(to=to) for status, text in DESCRIPTIONS.items()
              for word, to in _FORWARDED_TO.items()}

# DELIVERY webhooks carry a numeric statusCode: 3 = delivered (qlara/guides/webhooks) and 6 =
# undeliverable (the RCS API reference, qlara/api-rcs-send/agiletelecom-rcs-api). The others are designed.
STATUS_CODES: dict[Status, int] = {
    Status.QUEUED: 0,
    Status.SENT: 1,
    Status.RECEIVED: 2,
    Status.DELIVERED: 3,
    Status.READ: 4,
    Status.FAILED: 6,
    Status.EXPIRED: 7,
}
WHATSAPP_RESULT = {"whatsapp": {"accepted": True, "reasons": []}}


def channel_word(message: Message) -> str:
    """The Qlara word for the channel ``message`` travels on (``WHATSAPP``, ``SMS``, ``RCS``)."""
    return CHANNEL_WORD.get(message.channel, "WHATSAPP")


def send_body(customer_message_id: str, *, simulation: bool, results: dict[str, Any] | None = None) -> dict[str, Any]:
    """The send answer, in the shape of the current guides (UC-001): ``results`` keyed by channel.

    >>> send_body("abc", simulation=False)["results"]
    {'whatsapp': {'accepted': True, 'reasons': []}}
    """
    return {"messageId": customer_message_id, "simulation": simulation, "results": results or WHATSAPP_RESULT}


def description(message: Message) -> str:
    """What ``deliveryStatusDescription`` and a DELIVERY webhook's ``description`` say."""
    if message.status is Status.FAILED:
        entry = errors.lookup(message.error or errors.GENERIC_FAILURE)
        return f"{entry.title} ({entry.code}): {entry.details}"
    return _DESCRIBED[message.status, channel_word(message)]


def status_body(message: Message) -> dict[str, Any]:
    """A message's status as the status endpoints answer it.

    ``deliveryStatus`` and ``deliveryStatusDescription`` are documented; the ids,
    channel, error code and times around them are designed (what a client needs
    to match an answer to its own records).

    >>> message = Message("m1", "qlara", "org", "pn", "+39340", "+39341", "text", 0.0, custom_id="c1")
    >>> status_body(message)["deliveryStatus"]
    'UNKNOWN'
    """
    status = message.status
    return {
        "messageId": message.id,
        "customerMessageId": message.custom_id,
        "channel": channel_word(message),
        "destination": message.to,
        "deliveryStatus": STATUS_WORDS[status],
        "deliveryStatusDescription": description(message),
        "errorCode": message.error if status is Status.FAILED else None,
        "createdAt": iso_ms(message.created_at),
        "updatedAt": iso_ms(message.history.last_at),
    }


def delivery_event(message: Message, at: float) -> dict[str, Any]:
    """A ``DELIVERY`` webhook body for the message's current status (qlara/guides/webhooks)."""
    return {
        "eventType": "DELIVERY",
        "messageId": message.id,
        "customerMessageId": message.custom_id,
        "destination": message.to,
        "statusCode": STATUS_CODES[message.status],
        "description": description(message),
        "channel": channel_word(message),
        "timestamp": iso_ms(at),
    }


def read_event(message: Message, at: float) -> dict[str, Any]:
    """A ``READ`` webhook body (WhatsApp and RCS only, per qlara/guides/webhooks)."""
    return {"eventType": "READ", "messageId": message.id, "destination": message.to, "channel": channel_word(message),
            "timestamp": iso_ms(at)}


def webhook_body(endpoint: Endpoint) -> dict[str, Any]:
    """The delivery-status webhook configuration (qlara/use-cases/UC-008-track-delivery-webhooks)."""
    return {"id": endpoint.id, "callbackUrl": endpoint.callback_url, "status": "ACTIVE",
            "createdAt": iso_ms(endpoint.created_at)}


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


def render_error(request: web.Request, error: ApiError) -> web.Response:
    """The front door's error renderer: Qlara's body, naming the request's path and the emulated time."""
    now = request.app[keys.world].clock.now()
    return json_response(error_body(error, request.path, now), status=error.status, headers=error.headers)
