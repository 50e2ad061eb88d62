"""Wazapin's request bodies and query parameters, validated in the order a reader checks them.

Sources: https://docsx.wazapin.com/api-reference/messages/send-a-message (the send body),
https://docsx.wazapin.com/api/webhooks (endpoint bodies). Each message type's ``content``
rules are in ``content.py``; the field readers and their errors in ``fields.py``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, NamedTuple

from ...web.http import ApiError, whole_number
from . import content as contents
from .fields import PHONE, URL, json_object, matching, missing, required_string, string, unusable, wrong_type
from .webhooks import EVENTS, FORMATS

MAX_PAGE = 100


class SendRequest(NamedTuple):
    """A validated send."""

    channel_id: str
    to: str  # E.164, with "+"
    type: str
    content: dict[str, Any]
    conversation_id: str | None = None
    template_name: str | None = None


def parse_send(body: dict[str, Any]) -> SendRequest:
    """Validate a ``POST /v1/messages`` body: channel, recipient, type, content.

    >>> parse_send({"channel_id": "wzp_ch_1", "to": "6281234567890", "type": "text",
    ...             "content": {"text": "hi"}}).to
    '+6281234567890'
    """
    channel_id = required_string(body, "channel_id", "channel_id")
    to_field = "to" if body.get("to") is not None or body.get("to_phone") is None else "to_phone"
    to = matching(body, to_field, to_field, PHONE,
                  "be the recipient's number in international format, digits only, e.g. 6281234567890")
    kind = required_string(body, "type", "type")
    if kind not in contents.RULES:
        raise unusable("type", f"type must be one of {', '.join(contents.RULES)}")
    if body.get("content") is None and kind == "text" and isinstance(body.get("text"), str):
        content: dict[str, Any] = {"text": body["text"]}  # the older docs' top-level text
    else:
        content = json_object(body, "content", "content")
    contents.check(kind, content)
    conversation_id = string(body, "conversation_id", "conversation_id", required=False)
    template = content["template"]["name"] if kind == "template" else None
    return SendRequest(channel_id, "+" + to.lstrip("+"), kind, content, conversation_id or None, template)


def parse_endpoint(body: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The endpoint fields a body sets: ``url``, ``events``, ``description``, ``payload_format``, ``disabled``.

    ``partial`` (PATCH) makes ``url`` optional but asks for at least one field.

    >>> parse_endpoint({"url": "https://example.com/h", "events": ["message.new", "message.new"]}, partial=False)
    {'url': 'https://example.com/h', 'events': ['message.new']}
    """
    fields: dict[str, Any] = {}
    url = body.get("url")
    if url is None:
        if not partial:
            raise missing("url")
    elif not isinstance(url, str):
        raise wrong_type("url", "a string")
    elif not URL.fullmatch(url):
        raise unusable("url", "url must be an absolute http(s) URL")
    else:
        fields["url"] = url
    if body.get("events") is not None:
        chosen = body["events"]
        if not isinstance(chosen, list) or not all(isinstance(e, str) for e in chosen):
            raise wrong_type("events", "an array of event type names")
        unknown = [e for e in chosen if e not in EVENTS]
        if unknown:
            raise unusable("events", f"unknown event type {unknown[0]!r}; known: {', '.join(EVENTS)}")
        fields["events"] = list(dict.fromkeys(chosen))
    for name, kind, expected in (("description", str, "a string"), ("disabled", bool, "true or false")):
        if body.get(name) is not None:
            if not isinstance(body[name], kind):
                raise wrong_type(name, expected)
            fields[name] = body[name]
    if body.get("payload_format") is not None:
        if body["payload_format"] not in FORMATS:
            raise unusable("payload_format", f"payload_format must be one of {', '.join(FORMATS)}")
        fields["payload_format"] = body["payload_format"]
    if partial and not fields:
        raise ApiError(400, "validation_error", "nothing to update: send url, events, description, "
                       "payload_format or disabled")
    return fields


def page_limit(raw: str | None, default: int) -> int:
    """The ``limit`` query parameter of a listing: a whole number from 1 to 100.

    >>> page_limit(None, 20), page_limit("100", 20)
    (20, 100)
    """
    if raw is None:
        return default
    limit = whole_number(raw, 1, MAX_PAGE)
    if limit is None:
        raise ApiError(400, "validation_error", f"limit must be a whole number from 1 to {MAX_PAGE}", field="limit")
    return limit


def invalid_cursor() -> ApiError:
    return ApiError(400, "validation_error", "cursor is invalid or expired", field="cursor")


def encode_cursor(message_id: str) -> str:
    """The opaque ``cursor`` that continues a listing after ``message_id`` (designed: unpadded base64url).

    >>> decode_cursor(encode_cursor("m-1"))
    'm-1'
    """
    return base64.urlsafe_b64encode(message_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The message id a ``cursor`` continues after (400 if it is not one of ours)."""
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid_cursor() from None
