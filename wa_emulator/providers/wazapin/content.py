"""Validation of ``POST /v1/messages`` bodies: the common fields and each type's ``content``.

Sources: https://docsx.wazapin.com/api-reference/messages/send-a-message (fields and
types), https://docsx.wazapin.com/getting-started/send-contact (contact),
https://docsx.wazapin.com/getting-started/send-template (template), and Wazapin's
plugin src/client.ts (``content.text``; ``type: "media"`` with ``content.mediaUrl``).
Limits follow Meta's (text 4096, caption 1024, 3 reply buttons, 10 list rows).

A missing field or a wrong JSON type is 400 (the docs' example: ``to is required``);
a value of the right type that cannot be used is 422 (designed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from ...web.http import ApiError

# ASCII only: a str pattern's \d also matches Arabic-Indic and full-width digits.
PHONE = re.compile(r"\+?[1-9]\d{6,14}", re.ASCII)
TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
URL = re.compile(r"https?://[^\s/]+\S*")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
MEDIA_URL_FIELDS = ("url", "link", "media_url", "mediaUrl")
COMPONENT_TYPES = ("header", "body", "footer", "button")


class SendRequest(NamedTuple):
    """A validated send (a named tuple: as immutable as a frozen dataclass, cheaper to make, once per send)."""

    channel_id: str
    to: str  # E.164, with "+"
    type: str
    content: dict[str, Any]
    conversation_id: str | None = None
    template_name: str | None = None


def missing(field: str) -> ApiError:
    return ApiError(400, "validation_error", f"{field} is required", field=field)


def wrong_type(field: str, expected: str) -> ApiError:
    return ApiError(400, "validation_error", f"{field} must be {expected}", field=field)


def unusable(field: str, detail: str) -> ApiError:
    return ApiError(422, "validation_error", detail, field=field)


def _string(body: dict[str, Any], name: str, path: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value.__class__ is str and value:  # the common case first: a non-empty JSON string
        return value  # type: ignore[no-any-return]
    if value is None or (required and value == ""):
        if required:
            raise missing(path)
        return None
    if not isinstance(value, str):
        raise wrong_type(path, "a string")
    return value


def _object(body: dict[str, Any], name: str, path: str) -> dict[str, Any]:
    value = body.get(name)
    if value is None:
        raise missing(path)
    if not isinstance(value, dict):
        raise wrong_type(path, "an object")
    return value


def _matching(body: dict[str, Any], name: str, path: str, pattern: re.Pattern[str], detail: str) -> str:
    """A required string that must match ``pattern`` (422 with ``detail`` when it does not)."""
    value = _string(body, name, path)
    assert value is not None
    if not pattern.fullmatch(value):
        raise unusable(path, f"{path} must {detail}")
    return value


def _bounded(value: str, path: str, limit: int) -> str:
    if len(value) > limit:
        raise unusable(path, f"{path} must be at most {limit} characters")
    return value


def _body_text(content: dict[str, Any]) -> str:
    """The message text: ``content.text`` (plugin) or ``content.body`` (docs' curl); both are documented."""
    key = "text" if "text" in content else "body"
    text = _string(content, key, f"content.{key}", required=False)
    if text is None or not text.strip():
        raise missing("content.text")
    return _bounded(text, f"content.{key}", MAX_TEXT)


def _text(content: dict[str, Any]) -> None:
    _body_text(content)


def _media(content: dict[str, Any]) -> None:
    given = [name for name in MEDIA_URL_FIELDS if content.get(name) is not None]
    if not given:
        raise missing("content.url")
    url = _string(content, given[0], f"content.{given[0]}")
    assert url is not None
    if not URL.fullmatch(url):
        raise unusable(f"content.{given[0]}", f"content.{given[0]} must be an http(s) URL")
    caption = _string(content, "caption", "content.caption", required=False)
    if caption is not None:
        _bounded(caption, "content.caption", MAX_CAPTION)
    _string(content, "filename", "content.filename", required=False)


def _location(content: dict[str, Any]) -> None:
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = content.get(name)
        if value is None:
            raise missing(f"content.{name}")
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise wrong_type(f"content.{name}", "a number")
        if not -bound <= value <= bound:
            raise unusable(f"content.{name}", f"content.{name} must be between -{bound} and {bound}")
    _string(content, "name", "content.name", required=False)
    _string(content, "address", "content.address", required=False)


def _location_request(content: dict[str, Any]) -> None:
    _body_text(content)


def _contact(content: dict[str, Any]) -> None:
    _string(content, "full_name", "content.full_name")
    phone = _string(content, "phone", "content.phone")
    assert phone is not None
    if not PHONE.fullmatch(phone.replace(" ", "").replace("-", "")):
        raise unusable("content.phone", "content.phone must be a phone number in international format")
    _string(content, "organization", "content.organization", required=False)


def _titled_items(items: Any, path: str, *, limit: int, title_limit: int) -> list[dict[str, Any]]:
    if items is None:
        raise missing(path)
    if not isinstance(items, list):
        raise wrong_type(path, "an array")
    if not 1 <= len(items) <= limit:
        raise unusable(path, f"{path} must hold 1 to {limit} items")
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise wrong_type(where, "an object")
        _string(item, "id", f"{where}.id")
        title = _string(item, "title", f"{where}.title")
        assert title is not None
        _bounded(title, f"{where}.title", title_limit)
    return items


def _buttons(content: dict[str, Any]) -> None:
    _body_text(content)
    buttons = _titled_items(content.get("buttons"), "content.buttons", limit=3, title_limit=20)
    ids = [button["id"] for button in buttons]
    if len(set(ids)) != len(ids):
        raise unusable("content.buttons", "content.buttons ids must be unique")


def _list(content: dict[str, Any]) -> None:
    _body_text(content)
    _bounded(_string(content, "button", "content.button") or "", "content.button", 20)
    sections = content.get("sections")
    if sections is None:
        raise missing("content.sections")
    if not isinstance(sections, list) or not sections:
        raise wrong_type("content.sections", "a non-empty array")
    rows = 0
    for index, section in enumerate(sections):
        where = f"content.sections[{index}]"
        if not isinstance(section, dict):
            raise wrong_type(where, "an object")
        rows += len(_titled_items(section.get("rows"), f"{where}.rows", limit=10, title_limit=24))
    if rows > 10 or len(sections) > 10:
        raise unusable("content.sections", "a list message holds at most 10 sections and 10 rows in all")


def _template(content: dict[str, Any]) -> None:
    if "template_name" in content:
        raise unusable("content.template_name", "content.template_name is not supported; "
                       "send content.template.name and content.template.language.code")
    template = _object(content, "template", "content.template")
    _matching(template, "name", "content.template.name", TEMPLATE_NAME, "use lowercase letters, digits and _")
    language = template.get("language")
    if language is None:
        raise missing("content.template.language.code")
    if not isinstance(language, dict):
        raise wrong_type("content.template.language", "an object with a code, e.g. {\"code\": \"en_US\"}")
    _matching(language, "code", "content.template.language.code", LANGUAGE, "look like en_US or id")
    components = template.get("components")
    if components is None:
        return
    if not isinstance(components, list):
        raise wrong_type("content.template.components", "an array")
    for index, component in enumerate(components):
        _component(component, f"content.template.components[{index}]")


def _component(component: Any, where: str) -> None:
    if not isinstance(component, dict):
        raise wrong_type(where, "an object")
    kind = _string(component, "type", f"{where}.type")
    if kind not in COMPONENT_TYPES:
        raise unusable(f"{where}.type", f"{where}.type must be one of {', '.join(COMPONENT_TYPES)}")
    parameters = component.get("parameters")
    if parameters is not None and not (isinstance(parameters, list) and all(isinstance(p, dict) for p in parameters)):
        raise wrong_type(f"{where}.parameters", "an array of objects")
    if kind == "button":
        _string(component, "sub_type", f"{where}.sub_type")
        index = component.get("index")
        if index is None:
            raise missing(f"{where}.index")
        if isinstance(index, str) and index.isdigit():
            return
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise unusable(f"{where}.index", f"{where}.index must be a zero-based position")


CONTENT_RULES: dict[str, Callable[[dict[str, Any]], None]] = {
    "text": _text,
    "template": _template,
    **{kind: _media for kind in MEDIA_TYPES},
    "media": _media,  # the plugin's type, with content.mediaUrl
    "location": _location,
    "location_request": _location_request,
    "contact": _contact,
    "buttons": _buttons,
    "list": _list,
}


def parse_send(body: dict[str, Any]) -> SendRequest:
    """Validate a send body in the order a reader checks it: channel, recipient, type, content.

    >>> parse_send({"channel_id": "wzp_ch_1", "to": "6281234567890", "type": "text",
    ...             "content": {"text": "hi"}}).to
    '+6281234567890'
    """
    channel_id = _string(body, "channel_id", "channel_id")
    assert channel_id is not None
    to_field = "to" if body.get("to") is not None or body.get("to_phone") is None else "to_phone"
    to = _matching(body, to_field, to_field, PHONE,
                   "be the recipient's number in international format, digits only, e.g. 6281234567890")
    kind = _string(body, "type", "type")
    assert kind is not None
    if kind not in CONTENT_RULES:
        raise unusable("type", f"type must be one of {', '.join(CONTENT_RULES)}")
    if body.get("content") is None and kind == "text" and isinstance(body.get("text"), str):
        content: dict[str, Any] = {"text": body["text"]}  # the older docs' top-level text
    else:
        content = _object(body, "content", "content")
    CONTENT_RULES[kind](content)
    conversation_id = _string(body, "conversation_id", "conversation_id", required=False)
    template = content["template"]["name"] if kind == "template" else None
    return SendRequest(channel_id, "+" + to.lstrip("+"), kind, content, conversation_id or None, template)
