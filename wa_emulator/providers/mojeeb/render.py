"""Mojeeb's answers, as dicts: the message object and the error envelope.

Sources: https://docs.mojeeb.app/docs/developers/whatsapp/message-status (the message object),
https://docs.mojeeb.app/docs/developers/errors (envelope and codes).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.models import Message
from ...core.status import Status
from ...core.timefmt import iso
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

# Mojeeb has five words for the core's seven statuses.
STATUS_WORDS: dict[Status, str] = {
    Status.QUEUED: "queued",
    Status.SENT: "sent",
    Status.RECEIVED: "sent",
    Status.DELIVERED: "delivered",
    Status.READ: "read",
    Status.FAILED: "failed",
    Status.EXPIRED: "failed",
}

ERROR_TYPES: dict[int, str] = {
    400: "validation_error",
    401: "authentication_error",
    402: "quota_error",
    403: "permission_error",
    404: "not_found_error",
    405: "validation_error",
    409: "idempotency_error",
    413: "validation_error",
    415: "validation_error",
    422: "validation_error",
    429: "rate_limit_error",
    500: "internal_error",
    502: "upstream_error",
    503: "upstream_error",
    504: "upstream_error",
}

# Generic problems found outside the handlers, in Mojeeb's words.
_GENERIC_CODES = {
    ROUTE_NOT_FOUND: "endpoint_not_found",
    METHOD_NOT_ALLOWED: "method_not_allowed",
    BODY_NOT_JSON: "invalid_json",
    BODY_NOT_OBJECT: "invalid_json",
    BODY_WRONG_CONTENT_TYPE: "unsupported_media_type",
    BODY_TOO_LARGE: "request_too_large",
    BODY_UNENCODABLE: "invalid_json",
    BODY_ENCODED: "unsupported_media_type",
    INTERNAL: "internal_error",
}


def message_body(message: Message, *, echo_to: bool) -> dict[str, Any]:
    """The documented message object. ``to`` is echoed on send but "" on GET (a documented gap)."""
    status = message.status
    reached = message.history.reached_times()
    failed_at = reached.get(Status.FAILED) or reached.get(Status.EXPIRED)
    return {
        "id": message.id,
        "status": STATUS_WORDS[status],
        "agent_id": message.agent_id,
        "to": message.to if echo_to else "",
        "type": message.type,
        "platform_message_id": message.wamid if status is not Status.QUEUED else None,
        "created_at": iso(message.created_at),
        "sent_at": iso(reached.get(Status.SENT)),
        "failed_at": iso(failed_at),
    }


def error_body(error: ApiError, correlation_id: str) -> tuple[int, dict[str, Any]]:
    """Mojeeb's envelope for ``error``: ``{"error": {type, code, message, correlation_id, …extras}}``."""
    code = _GENERIC_CODES.get(error.code, error.code)
    status = error.status
    extras = dict(error.extra)
    if "field" in extras:  # a shared body check names the field; Mojeeb calls it ``param``
        extras.setdefault("param", str(extras.pop("field")))
    error_type = extras.pop("type", None) or ERROR_TYPES.get(status) or (
        "internal_error" if status >= 500 else "validation_error"
    )
    return status, {
        "error": {"type": error_type, "code": code, "message": error.message, "correlation_id": correlation_id,
                  **extras}
    }


def render_error(request: web.Request, error: ApiError) -> web.Response:
    """The front door's error renderer: Mojeeb's envelope, with the request's correlation id."""
    status, body = error_body(error, request.get(CORRELATION_ID, ""))
    return json_response(body, status=status, headers=error.headers)
