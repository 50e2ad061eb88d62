"""Wazapin's wire format, as pure functions: message records, status views, errors and webhook bodies.

Sources:
https://docsx.wazapin.com/api-reference/messages/send-a-message (record fields, ``{"data": …}``),
https://docsx.wazapin.com/guides/handle-delivery-status (statuses, the flat status webhook),
https://docsx.wazapin.com/api/inbound-webhook-examples (the flat ``message.new`` body),
https://docsx.wazapin.com/api/errors (``{title, status, detail}``),
https://docsx.wazapin.com/api/webhooks (older ``{event_id, event_type, data}`` envelope, also
the shape Wazapin's plugin parses in src/webhook.ts; and the older ``{"error": {…}}`` errors).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from ...core.errors import lookup
from ...core.models import INBOUND, Message
from ...core.status import Status
from ...core.timefmt import iso_ms
from ...core.webhooks import CANCELLED, DELIVERED, DROPPED, EXHAUSTED, PENDING, Delivery
from ..http import (
    BODY_NOT_JSON,
    BODY_NOT_OBJECT,
    BODY_TOO_LARGE,
    BODY_WRONG_CONTENT_TYPE,
    INTERNAL,
    METHOD_NOT_ALLOWED,
    ROUTE_NOT_FOUND,
    ApiError,
)

# Wazapin has five words for the core's seven statuses (https://docsx.wazapin.com/whatsapp-basics/message-lifecycle).
STATUS_WORDS: dict[Status, str] = {
    Status.QUEUED: "queued",
    Status.SENT: "sent",
    Status.RECEIVED: "sent",
    Status.DELIVERED: "delivered",
    Status.READ: "read",
    Status.FAILED: "failed",
    Status.EXPIRED: "failed",
}
# Read once: an enum member read through its class costs a metaclass lookup, and a record reads five.
_SENT, _DELIVERED, _READ, _FAILED, _EXPIRED = Status.SENT, Status.DELIVERED, Status.READ, Status.FAILED, Status.EXPIRED
INBOUND_STATUS = "received"  # designed: inbound messages are not on the outbound lifecycle
EXPIRED_CODE = "message_expired"
EXPIRED_TEXT = "Message expired: it was not delivered before its time-to-live ran out."
MAX_RETRIES = 3

_LEGACY_CODES = {
    ROUTE_NOT_FOUND: "not_found",
    METHOD_NOT_ALLOWED: "method_not_allowed",
    BODY_NOT_JSON: "invalid_json",
    BODY_NOT_OBJECT: "invalid_json",
    BODY_WRONG_CONTENT_TYPE: "unsupported_media_type",
    BODY_TOO_LARGE: "request_too_large",
    INTERNAL: "internal_error",
}


def digits(phone: str) -> str:
    """Wazapin writes numbers as digits without "+".

    >>> digits("+6281234567890")
    '6281234567890'
    """
    return phone.lstrip("+")


def status_word(message: Message) -> str:
    return INBOUND_STATUS if message.direction == INBOUND else STATUS_WORDS[message.status]


def failure(message: Message) -> tuple[str | None, str | None]:
    """``(error, error_code)`` of a failed message: the catalog entry, or the expiry."""
    if message.status is _EXPIRED:
        return EXPIRED_TEXT, EXPIRED_CODE
    if message.error is None:
        return None, None
    entry = lookup(message.error)
    return f"{entry.title}: {entry.details}", str(entry.code)


def _times(message: Message) -> dict[str, str | None]:
    created = iso_ms(message.created_at)
    sent = iso_ms(message.reached(_SENT))
    return {
        "created_at": created,
        "queued_at": created if message.direction != INBOUND else None,
        "sending_at": sent,
        "sent_at": sent,
        "delivered_at": iso_ms(message.reached(_DELIVERED)),
        "read_at": iso_ms(message.reached(_READ)),
        "failed_at": iso_ms(message.reached(_FAILED) or message.reached(_EXPIRED)),
        "updated_at": iso_ms(message.updated_at),
    }


def record(message: Message) -> dict[str, Any]:
    """The documented message record (every field of the send-a-message response schema)."""
    error, error_code = failure(message)
    inbound = message.direction == INBOUND
    return {
        "id": message.id,
        "organization_id": message.org_id,
        "channel_id": message.agent_id,
        "conversation_id": message.conversation_id,
        "direction": message.direction,
        "type": message.type,
        "content": message.content,
        "metadata": {},
        "status": status_word(message),
        "to_phone": digits(message.to),
        "sender_phone": digits(message.sender),
        "sent_by": None if inbound else "api",
        "sent_via": "whatsapp" if inbound else "api",
        "provider_message_id": message.wamid,
        "external_message_id": None,
        "error": error,
        "error_code": error_code,
        "retry_count": 0,
        "max_retries": MAX_RETRIES,
        **_times(message),
        "reply_preview": None,
    }


def status_view(message: Message) -> dict[str, Any]:
    """``GET /v1/messages/{id}/status`` (designed: the docs promise "only the status metadata")."""
    error, error_code = failure(message)
    times = _times(message)
    del times["created_at"], times["sending_at"]
    return {
        "id": message.id,
        "status": status_word(message),
        "provider_message_id": message.wamid,
        "error": error,
        "error_code": error_code,
        **times,
    }


# -- errors ---------------------------------------------------------------------------


def problem_body(error: ApiError) -> dict[str, Any]:
    """The current docs' error body.

    >>> problem_body(ApiError(400, "validation_error", "to is required"))
    {'title': 'Bad Request', 'status': 400, 'detail': 'to is required'}
    """
    try:
        title = HTTPStatus(error.status).phrase
    except ValueError:
        title = "Error"
    return {"title": title, "status": error.status, "detail": error.message}


def legacy_error_body(error: ApiError, request_id: str) -> dict[str, Any]:
    """The older page's (and the plugin's) error body.

    >>> body = legacy_error_body(ApiError(400, "validation_error", "to is required", field="to"), "req_1")
    >>> body["error"]["message"], body["error"]["details"], body["request_id"]
    ('to is required', [{'field': 'to', 'reason': 'required'}], 'req_1')
    """
    body: dict[str, Any] = {"code": _LEGACY_CODES.get(error.code, error.code), "message": error.message}
    field = error.extra.get("field")
    if field:
        body["details"] = [{"field": field, "reason": "required" if error.status == 400 else "invalid"}]
    return {"error": body, "request_id": request_id}


# -- webhook bodies ---------------------------------------------------------------------


def status_update_body(message: Message, status: Status) -> dict[str, Any]:
    """``message.status_update``: flat, exactly the documented four fields.

    >>> message = Message("m1", "wazapin", "org_1", "wzp_ch_1", "+62811", "+62812", "text", 0.0)
    >>> status_update_body(message, Status.RECEIVED)["status"]
    'sent'
    """
    return {
        "message_id": message.id,
        "conversation_id": message.conversation_id,
        "status": STATUS_WORDS[status],
        "organization_id": message.org_id,
    }


def message_new_body(message: Message, contact_id: str) -> dict[str, Any]:
    """``message.new``: metadata only; the text is fetched with ``GET /v1/messages/{id}``."""
    return {
        "message_id": message.id,
        "conversation_id": message.conversation_id,
        "contact_id": contact_id,
        "channel_id": message.agent_id,
        "direction": INBOUND,
        "from_phone": digits(message.sender),
        "msg_type": message.type,
    }


def envelope(event_id: str, event_type: str, at: float, org_id: str, channel_id: str | None,
             data: dict[str, Any]) -> dict[str, Any]:
    """The older/plugin webhook shape ``{event_id, event_type, occurred_at, …, data}``."""
    return {
        "event_id": event_id,
        "event_type": event_type,
        "occurred_at": iso_ms(at),
        "organization_id": org_id,
        "channel_id": channel_id,
        "data": data,
    }


# -- webhook deliveries ------------------------------------------------------------------

DELIVERY_STATES = {PENDING: "pending", DELIVERED: "delivered", EXHAUSTED: "failed", DROPPED: "dropped",
                   CANCELLED: "cancelled"}


def delivery_view(delivery: Delivery) -> dict[str, Any]:
    """One event's journey to one endpoint, with every attempt (designed: the docs show no shape).

    ``state`` is ``pending``, ``delivered``, ``failed`` (every attempt failed), ``dropped``
    (an emulator directive lost it on purpose) or ``cancelled`` (its endpoint was deleted).
    """
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "endpoint_id": delivery.endpoint_id,
        "event_type": delivery.event_type,
        "message_id": delivery.message_id,
        "status": delivery.status,
        "url": delivery.url,
        "state": DELIVERY_STATES.get(delivery.state, delivery.state),
        "created_at": iso_ms(delivery.created_at),
        "next_attempt_at": iso_ms(delivery.next_attempt_at),
        "attempts": [
            {
                "attempt": attempt.number,
                "at": iso_ms(attempt.at),
                "status_code": attempt.status_code,
                "error": attempt.error,
                "latency_ms": round(attempt.latency_ms, 3),
            }
            for attempt in delivery.attempts
        ],
    }
