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
from ...web.http import (
    BODY_NOT_JSON,
    BODY_NOT_OBJECT,
    BODY_TOO_LARGE,
    BODY_WRONG_CONTENT_TYPE,
    INTERNAL,
    METHOD_NOT_ALLOWED,
    ROUTE_NOT_FOUND,
    ApiError,
    dumps,
    json_nullable,
    json_string,
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
_API, _WHATSAPP = '"api"', '"whatsapp"'  # the JSON texts of two fixed record values

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


def _times(message: Message) -> tuple[str, str, str, str, str, str]:
    """JSON texts of ``(created_at, sent_at, delivered_at, read_at, failed_at, updated_at)``."""
    reached = message.history.reached_times()
    # An ISO time holds nothing JSON escapes: quoting it is enough. Written inline, not through a helper
    # per field: six calls a record add up (issue 7). Creation and update times are always set.
    sent, delivered, read = reached.get(_SENT), reached.get(_DELIVERED), reached.get(_READ)
    failed = reached.get(_FAILED) or reached.get(_EXPIRED)
    return (
        f'"{iso_ms(message.created_at)}"',
        "null" if sent is None else f'"{iso_ms(sent)}"',
        "null" if delivered is None else f'"{iso_ms(delivered)}"',
        "null" if read is None else f'"{iso_ms(read)}"',
        "null" if failed is None else f'"{iso_ms(failed)}"',
        f'"{iso_ms(message.history.last_at)}"',
    )


# The record and the status view are written as JSON text directly rather than built as dicts for
# dumps(): a record has 28 fields, most of them fixed words, and json's C encoder spent about as long
# on the dict as building it took (issue 7). The text is byte for byte what dumps() made of the dicts
# they replace, fields in the same order; tests/providers/wazapin/test_messages.py checks that any
# text survives and that the bodies stay the emulator's compact JSON.


def record(message: Message) -> str:
    """The documented message record (every field of the send-a-message response schema), as JSON text.

    >>> message = Message("m1", "wazapin", "org_1", "wzp_ch_1", "+62811", "+62812", "text", 0.0)
    >>> import json
    >>> json.loads(record(message))["to_phone"]
    '62812'
    """
    error, error_code = failure(message)
    inbound = message.direction == INBOUND
    created, sent, delivered, read, failed, updated = _times(message)
    return (
        f'{{"id":{json_string(message.id)},"organization_id":{json_string(message.org_id)},'
        f'"channel_id":{json_string(message.agent_id)},"conversation_id":{json_nullable(message.conversation_id)},'
        f'"direction":{json_string(message.direction)},"type":{json_string(message.type)},'
        f'"content":{"null" if (content := message.content) is None else dumps(content.data()).decode()},'
        f'"metadata":{{}},"status":"{INBOUND_STATUS if inbound else STATUS_WORDS[message.status]}",'
        f'"to_phone":{json_string(message.to.lstrip("+"))},"sender_phone":{json_string(message.sender.lstrip("+"))},'
        f'"sent_by":{"null" if inbound else _API},"sent_via":{_WHATSAPP if inbound else _API},'
        f'"provider_message_id":{json_nullable(message.wamid)},"external_message_id":null,'
        f'"error":{json_nullable(error)},"error_code":{json_nullable(error_code)},"retry_count":0,'
        f'"max_retries":{MAX_RETRIES},"created_at":{created},"queued_at":{"null" if inbound else created},'
        f'"sending_at":{sent},"sent_at":{sent},"delivered_at":{delivered},"read_at":{read},"failed_at":{failed},'
        f'"updated_at":{updated},"reply_preview":null}}'
    )


def status_view(message: Message) -> str:
    """``GET /v1/messages/{id}/status`` as JSON text (designed: the docs promise "only the status metadata")."""
    error, error_code = failure(message)
    created, sent, delivered, read, failed, updated = _times(message)
    return (
        f'{{"id":{json_string(message.id)},"status":"{status_word(message)}",'
        f'"provider_message_id":{json_nullable(message.wamid)},"error":{json_nullable(error)},'
        f'"error_code":{json_nullable(error_code)},'
        f'"queued_at":{"null" if message.direction == INBOUND else created},"sent_at":{sent},'
        f'"delivered_at":{delivered},"read_at":{read},"failed_at":{failed},"updated_at":{updated}}}'
    )


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
