"""Mojeeb's wire format, as pure functions: request bodies in, response and error bodies out.

Sources:
https://docs.mojeeb.app/docs/developers/whatsapp/send-message (text send),
https://docs.mojeeb.app/docs/developers/whatsapp/send-template (template send),
https://docs.mojeeb.app/docs/developers/whatsapp/message-status (status object),
https://docs.mojeeb.app/docs/developers/errors (envelope and codes).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ...core.ids import canonical_uuid
from ...core.models import Message
from ...core.status import Status
from ...core.timefmt import iso, iso_json
from ...web.http import (
    BODY_NOT_JSON,
    BODY_NOT_OBJECT,
    BODY_TOO_LARGE,
    BODY_WRONG_CONTENT_TYPE,
    INTERNAL,
    METHOD_NOT_ALLOWED,
    ROUTE_NOT_FOUND,
    ApiError,
    json_nullable,
    json_string,
)

# ASCII only: str patterns' \d also matches Arabic-Indic and full-width digits, which E.164 does not allow.
E164 = re.compile(r"\+[1-9]\d{6,14}", re.ASCII)
TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
MAX_TEXT = 4096

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

# Read once: an enum member read through its class costs a metaclass lookup, and a status body reads four.
_QUEUED, _SENT, _FAILED, _EXPIRED = Status.QUEUED, Status.SENT, Status.FAILED, Status.EXPIRED

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
    INTERNAL: "internal_error",
}


class SendRequest(NamedTuple):
    """A validated send: who sends, from which number, to whom, and what.

    A named tuple: as immutable as a frozen dataclass and several times cheaper to make, once per send.
    """

    agent_id: str
    sender: str
    to: str
    type: str
    text: str | None = None
    template_name: str | None = None
    template_language: str | None = None
    template_parameters: dict[str, str] | None = None

    def content(self) -> dict[str, Any]:
        if self.type == "text":
            return {"text": {"body": self.text}}
        template: dict[str, Any] = {"name": self.template_name, "language": self.template_language}
        if self.template_parameters is not None:
            template["parameters"] = self.template_parameters
        return {"template": template}


def invalid(code: str, message: str, param: str) -> ApiError:
    return ApiError(422, code, message, param=param)


def _required_string(body: dict[str, Any], field: str, path: str | None = None) -> str:
    value = body.get(field)
    if value.__class__ is str:  # the common case first: a JSON string
        return value  # type: ignore[no-any-return]
    name = path or field
    if value is None:
        raise invalid("missing_required_field", f"'{name}' is required.", name)
    if not isinstance(value, str):
        raise invalid("invalid_field_type", f"'{name}' must be a string.", name)
    return value


def _common(body: dict[str, Any]) -> tuple[str, str, str]:
    agent_id = canonical_uuid(_required_string(body, "agent_id"))
    if agent_id is None:
        raise invalid("invalid_agent_id", "agent_id must be a valid UUID.", "agent_id")
    sender = _required_string(body, "from")
    if E164.fullmatch(sender) is None:
        raise invalid("invalid_from_phone", "from must be an E.164 phone number such as +15551234567.", "from")
    to = _required_string(body, "to")
    if E164.fullmatch(to) is None:
        raise invalid("invalid_phone_number", "to must be an E.164 phone number such as +15551234567.", "to")
    return agent_id, sender, to


def parse_text_send(body: dict[str, Any]) -> SendRequest:
    """Validate a ``POST /v1/whatsapp/messages`` body, field by field, in documented order."""
    agent_id, sender, to = _common(body)
    text = body.get("text")
    if text is None:
        raise invalid("missing_required_field", "'text.body' is required.", "text.body")
    if not isinstance(text, dict):
        raise invalid("invalid_field_type", "'text' must be an object with a 'body' string.", "text")
    text_body = _required_string(text, "body", "text.body")
    if not 1 <= len(text_body) <= MAX_TEXT:
        raise invalid("invalid_text_length", f"text.body must be 1 to {MAX_TEXT} characters long.", "text.body")
    return SendRequest(agent_id, sender, to, "text", text=text_body)


def parse_template_send(body: dict[str, Any]) -> SendRequest:
    """Validate a ``POST /v1/whatsapp/templates`` body."""
    agent_id, sender, to = _common(body)
    template = body.get("template")
    if template is None:
        raise invalid("missing_required_field", "'template' is required.", "template")
    if not isinstance(template, dict):
        raise invalid("invalid_field_type", "'template' must be an object.", "template")
    name = _required_string(template, "name", "template.name")
    if not TEMPLATE_NAME.fullmatch(name):
        raise invalid(
            "invalid_template_name",
            "template.name must be an approved template name: lowercase letters, digits and underscores.",
            "template.name",
        )
    language = _required_string(template, "language", "template.language")
    if not LANGUAGE.fullmatch(language):
        raise invalid(
            "invalid_template_language", "template.language must be a language code such as en or ar.",
            "template.language",
        )
    parameters = template.get("parameters")
    params = None if parameters is None else _parameters(parameters)
    return SendRequest(agent_id, sender, to, "template", template_name=name, template_language=language,
                       template_parameters=params)


_PLACEHOLDER_TYPES = (str, int, float)  # a tuple: isinstance() with one is faster than with a union


def _parameters(parameters: Any) -> dict[str, str]:
    """``template.parameters`` as placeholder names to text (numbers are taken and written as text).

    >>> _parameters({"customer_name": "Sara", "count": 2})
    {'customer_name': 'Sara', 'count': '2'}
    """
    if isinstance(parameters, dict):
        for value in parameters.values():
            if not isinstance(value, _PLACEHOLDER_TYPES):
                break
        else:
            return {str(k): str(v) for k, v in parameters.items()}
    raise invalid(
        "invalid_template_parameters",
        "template.parameters must be an object of named placeholders with string values.",
        "template.parameters",
    )


def message_body(message: Message, *, echo_to: bool) -> dict[str, Any]:
    """The documented message object. ``to`` is echoed on send but "" on GET (a documented gap)."""
    status = message.status
    failed_at = message.reached(_FAILED) or message.reached(_EXPIRED)
    return {
        "id": message.id,
        "status": STATUS_WORDS[status],
        "agent_id": message.agent_id,
        "to": message.to if echo_to else "",
        "type": message.type,
        "platform_message_id": message.wamid if status is not _QUEUED else None,
        "created_at": iso(message.created_at),
        "sent_at": iso(message.reached(_SENT)),
        "failed_at": iso(failed_at),
    }


_EMPTY = '""'  # the JSON text of "", for the ``to`` a lookup does not echo


def message_json(message: Message, *, echo_to: bool) -> str:
    """``message_body()`` as JSON text, byte for byte what ``dumps(message_body(...))`` writes.

    Written directly because every send and status lookup renders one, and building the dict and
    encoding it cost about a twentieth of a lookup (issue 7); tests/providers/mojeeb/test_render.py
    checks the bytes against ``dumps()`` in every status.

    >>> message = Message("m1", "mojeeb", "org_1", "a1", "+1555", "+1666", "text", 0.0)
    >>> message_json(message, echo_to=False)[:44]
    '{"id":"m1","status":"queued","agent_id":"a1"'
    """
    status = message.status
    reached = message.reached
    return (
        f'{{"id":{json_string(message.id)},"status":"{STATUS_WORDS[status]}",'
        f'"agent_id":{json_string(message.agent_id)},"to":{json_string(message.to) if echo_to else _EMPTY},'
        f'"type":{json_string(message.type)},'
        f'"platform_message_id":{json_nullable(message.wamid) if status is not _QUEUED else "null"},'
        f'"created_at":{iso_json(message.created_at)},"sent_at":{iso_json(reached(_SENT))},'
        f'"failed_at":{iso_json(reached(_FAILED) or reached(_EXPIRED))}}}'
    )


def error_body(error: ApiError, correlation_id: str) -> tuple[int, dict[str, Any]]:
    """Mojeeb's envelope for ``error``: ``{"error": {type, code, message, correlation_id, …extras}}``."""
    code = _GENERIC_CODES.get(error.code, error.code)
    status = error.status
    extras = dict(error.extra)
    error_type = extras.pop("type", None) or ERROR_TYPES.get(status) or (
        "internal_error" if status >= 500 else "validation_error"
    )
    return status, {
        "error": {"type": error_type, "code": code, "message": error.message, "correlation_id": correlation_id,
                  **extras}
    }
