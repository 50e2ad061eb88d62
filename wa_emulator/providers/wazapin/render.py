"""Wazapin's answers and webhook bodies, as dicts: records, status views, errors, events, deliveries.

Sources:
https://docsx.wazapin.com/api-reference/messages/send-a-message (record fields, ``{"data": …}``),
https://docsx.wazapin.com/guides/handle-delivery-status (statuses, the flat status webhook),
https://docsx.wazapin.com/api/inbound-webhook-examples (the flat ``message.new`` body),
https://docsx.wazapin.com/api/errors (``{title, status, detail}``),
https://docsx.wazapin.com/api/webhooks (older ``{event_id, event_type, data}`` envelope, also
the shape Wazapin's plugin parses in src/webhook.ts; and the older ``{"error": {…}}`` errors).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...core.errors import lookup
from ...core.models import INBOUND, Message
from ...core.status import Status
from ...core.timefmt import iso_ms
from ...core.webhooks import CANCELLED, DELIVERED, DROPPED, EXHAUSTED, PENDING, Delivery
from ...web.http import (
    BODY_ENCODED,
    BODY_NOT_JSON,
    BODY_NOT_OBJECT,
    BODY_TOO_LARGE,
    BODY_UNENCODABLE,
    BODY_WRONG_CONTENT_TYPE,
    CORRELATION_ID,
    INTERNAL,
    METHOD_NOT_ALLOWED,
    ROUTE_NOT_FOUND,
    ApiError,
    json_response,
)
from . import inbound as inbound_words
from .auth import REQUEST_ORG
from .sandbox import ERROR_FORMAT

if TYPE_CHECKING:
    from .webhooks import Endpoint

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
    BODY_UNENCODABLE: "invalid_json",
    BODY_ENCODED: "unsupported_media_type",
    INTERNAL: "internal_error",
}


def data(payload: Any, status: int = 200) -> web.Response:
    """Wazapin wraps every answer in ``{"data": …}``."""
    return json_response({"data": payload}, status=status)


def digits(phone: str) -> str:
    """Wazapin writes numbers as digits without "+".

    >>> digits("+6281234567890")
    '6281234567890'
    """
    return phone.lstrip("+")


def status_word(message: Message) -> str:
    """The message's status in Wazapin's words (``received`` for an inbound message)."""
    return INBOUND_STATUS if message.direction == INBOUND else STATUS_WORDS[message.status]


def failure(message: Message) -> tuple[str | None, str | None]:
    """``(error, error_code)`` of a failed message: the catalog entry, or the expiry."""
    if message.status is Status.EXPIRED:
        return EXPIRED_TEXT, EXPIRED_CODE
    if message.error is None:
        return None, None
    entry = lookup(message.error)
    return f"{entry.title}: {entry.details}", str(entry.code)


def _moments(message: Message) -> tuple[str, str | None, str | None, str | None, str | None, str]:
    """``(created, sent, delivered, read, failed, updated)`` as ISO times; None where not reached."""
    reached = message.history.reached_times()
    return (
        iso_ms(message.created_at),  # type: ignore[return-value]  # set on every message
        iso_ms(reached.get(Status.SENT)),
        iso_ms(reached.get(Status.DELIVERED)),
        iso_ms(reached.get(Status.READ)),
        iso_ms(reached.get(Status.FAILED) or reached.get(Status.EXPIRED)),
        iso_ms(message.history.last_at),
    )


def record(message: Message, base: str = "") -> dict[str, Any]:
    """The documented message record: every field of the send-a-message response schema, in its order.

    An inbound message's content is in Wazapin's inbound words (``inbound.content``); ``base``, the
    API's base URL, prefixes its media link.

    >>> message = Message("m1", "wazapin", "org_1", "wzp_ch_1", "+62811", "+62812", "text", 0.0)
    >>> record(message)["to_phone"], record(message)["queued_at"]
    ('62812', '1970-01-01T00:00:00.000Z')
    """
    error, error_code = failure(message)
    inbound = message.direction == INBOUND
    created, sent, delivered, read, failed, updated = _moments(message)
    content = message.content
    return {
        "id": message.id,
        "organization_id": message.org_id,
        "channel_id": message.agent_id,
        "conversation_id": message.conversation_id,
        "direction": message.direction,
        "type": inbound_words.record_type(message) if inbound else message.type,
        "content": inbound_words.content(message, base) if inbound else None if content is None else content.data(),
        "metadata": {},
        "status": INBOUND_STATUS if inbound else STATUS_WORDS[message.status],
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
        "created_at": created,
        "queued_at": None if inbound else created,
        "sending_at": sent,
        "sent_at": sent,
        "delivered_at": delivered,
        "read_at": read,
        "failed_at": failed,
        "updated_at": updated,
        "reply_preview": None,
    }


def status_view(message: Message) -> dict[str, Any]:
    """``GET /v1/messages/{id}/status`` (designed: the docs promise "only the status metadata")."""
    error, error_code = failure(message)
    created, sent, delivered, read, failed, updated = _moments(message)
    return {
        "id": message.id,
        "status": status_word(message),
        "provider_message_id": message.wamid,
        "error": error,
        "error_code": error_code,
        "queued_at": None if message.direction == INBOUND else created,
        "sent_at": sent,
        "delivered_at": delivered,
        "read_at": read,
        "failed_at": failed,
        "updated_at": updated,
    }


def message_page(messages: Iterable[Message], next_cursor: str | None, limit: int,
                 base: str = "") -> dict[str, Any]:
    """``GET /v1/messages``: the records, and ``meta.next_cursor`` (null on the last page)."""
    return {"data": [record(message, base) for message in messages],
            "meta": {"next_cursor": next_cursor, "limit": limit}}


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


def render_error(request: web.Request, error: ApiError) -> web.Response:
    """The front door's error renderer: the problem body, unless the organization chose the older one.

    The request id is the older body's ``request_id``.
    """
    org = request.get(REQUEST_ORG)
    if org is not None and org.settings.get(ERROR_FORMAT) == "legacy":
        body = legacy_error_body(error, request.get(CORRELATION_ID, ""))
        return json_response(body, status=error.status, headers=error.headers)
    response = json_response(problem_body(error), status=error.status, headers=error.headers)
    response.content_type = "application/problem+json"
    return response


# -- webhook endpoints -------------------------------------------------------------------


def endpoint_view(endpoint: Endpoint, *, with_secret: bool = False) -> dict[str, Any]:
    """An endpoint as the management API shows it; its secret only when just made."""
    view: dict[str, Any] = {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "disabled": endpoint.disabled,
        "payload_format": endpoint.payload_format,
        "created_at": iso_ms(endpoint.created_at),
        "updated_at": iso_ms(endpoint.updated_at),
    }
    if with_secret:
        view["secret"] = endpoint.secret
    return view


def webhook_listing(endpoints: Iterable[Endpoint], event_types: Sequence[str]) -> dict[str, Any]:
    """``GET /v1/settings/developer/webhooks``: the endpoints (secrets hidden) and the event types."""
    return {"endpoints": [endpoint_view(endpoint) for endpoint in endpoints], "event_types": list(event_types)}


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
        "msg_type": inbound_words.record_type(message),
    }


def webhook_test_body(endpoint: Endpoint) -> dict[str, Any]:
    """``webhook.test`` (designed: the docs name the event but show no body)."""
    return {"message": "This is a test event from Wazapin.", "endpoint_id": endpoint.id,
            "organization_id": endpoint.org_id}


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


def retry_body(message_id: str, retried: Sequence[Delivery]) -> dict[str, Any]:
    """``POST …/deliveries/{id}/retry``: how many deliveries of the message start a fresh round, and which."""
    return {"message_id": message_id, "retried": len(retried), "deliveries": [delivery_view(d) for d in retried]}
