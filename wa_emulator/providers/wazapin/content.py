"""What each message type's ``content`` must hold, in ``POST /v1/messages`` bodies.

Sources: https://docsx.wazapin.com/api-reference/messages/send-a-message (types),
https://docsx.wazapin.com/getting-started/send-contact (contact),
https://docsx.wazapin.com/getting-started/send-template (template), and Wazapin's
plugin src/client.ts (``content.text``; ``type: "media"`` with ``content.mediaUrl``).
Limits follow Meta's (text 4096, caption 1024, 3 reply buttons, 10 list rows).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from ...web.http import whole_number
from .fields import (
    PHONE,
    URL,
    bounded,
    json_object,
    matching,
    missing,
    required_string,
    string,
    unusable,
    wrong_type,
)

TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
MEDIA_URL_FIELDS = ("url", "link", "media_url", "mediaUrl")
NO_CAPTION = ("audio", "sticker")  # Meta's audio and sticker messages carry no caption
MAX_FILENAME = 240
MAX_HEADER = 60  # an interactive message's header and footer text, as Meta limits them
MAX_SECTION_TITLE = 24
COMPONENT_TYPES = ("header", "body", "footer", "button")


def _body_text(content: dict[str, Any]) -> str:
    """The message text: ``content.text`` (plugin) or ``content.body`` (docs' curl); both are documented."""
    key = "text" if "text" in content else "body"
    text = string(content, key, f"content.{key}", required=False)
    if text is None or not text.strip():
        raise missing("content.text")
    return bounded(text, f"content.{key}", MAX_TEXT)


def _text(content: dict[str, Any]) -> None:
    _body_text(content)


def _media(content: dict[str, Any], kind: str = "media") -> None:
    given = [name for name in MEDIA_URL_FIELDS if content.get(name) is not None]
    if not given:
        raise missing("content.url")
    url = required_string(content, given[0], f"content.{given[0]}")
    if not URL.fullmatch(url):
        raise unusable(f"content.{given[0]}", f"content.{given[0]} must be an http(s) URL")
    caption = string(content, "caption", "content.caption", required=False)
    if caption is not None:
        if kind in NO_CAPTION:
            raise unusable("content.caption", f"content.caption is not allowed: a {kind} message has no caption")
        bounded(caption, "content.caption", MAX_CAPTION)
    filename = string(content, "filename", "content.filename", required=False)
    if filename is not None:
        bounded(filename, "content.filename", MAX_FILENAME)


def _media_rule(kind: str) -> Callable[[dict[str, Any]], None]:
    return lambda content: _media(content, kind)


def _header_footer(content: dict[str, Any]) -> None:
    """The optional ``header`` and ``footer`` texts of a buttons or list message."""
    for name in ("header", "footer"):
        value = string(content, name, f"content.{name}", required=False)
        if value is not None:
            bounded(value, f"content.{name}", MAX_HEADER)


def _location(content: dict[str, Any]) -> None:
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = content.get(name)
        if value is None:
            raise missing(f"content.{name}")
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise wrong_type(f"content.{name}", "a number")
        if not -bound <= value <= bound:
            raise unusable(f"content.{name}", f"content.{name} must be between -{bound} and {bound}")
    string(content, "name", "content.name", required=False)
    string(content, "address", "content.address", required=False)


def _location_request(content: dict[str, Any]) -> None:
    _body_text(content)


def _contact(content: dict[str, Any]) -> None:
    string(content, "full_name", "content.full_name")
    phone = required_string(content, "phone", "content.phone")
    if not PHONE.fullmatch(phone.replace(" ", "").replace("-", "")):
        raise unusable("content.phone", "content.phone must be a phone number in international format")
    string(content, "organization", "content.organization", required=False)


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
        string(item, "id", f"{where}.id")
        bounded(required_string(item, "title", f"{where}.title"), f"{where}.title", title_limit)
    return items


def _buttons(content: dict[str, Any]) -> None:
    _body_text(content)
    _header_footer(content)
    buttons = _titled_items(content.get("buttons"), "content.buttons", limit=3, title_limit=20)
    ids = [button["id"] for button in buttons]
    if len(set(ids)) != len(ids):
        raise unusable("content.buttons", "content.buttons ids must be unique")


def _list(content: dict[str, Any]) -> None:
    _body_text(content)
    _header_footer(content)
    bounded(string(content, "button", "content.button") or "", "content.button", 20)
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
        title = string(section, "title", f"{where}.title", required=len(sections) > 1)  # Meta: with 2+ sections
        if title is not None:
            bounded(title, f"{where}.title", MAX_SECTION_TITLE)
        rows += len(_titled_items(section.get("rows"), f"{where}.rows", limit=10, title_limit=24))
    if rows > 10 or len(sections) > 10:
        raise unusable("content.sections", "a list message holds at most 10 sections and 10 rows in all")


def _template(content: dict[str, Any]) -> None:
    if "template_name" in content:
        raise unusable("content.template_name", "content.template_name is not supported; "
                       "send content.template.name and content.template.language.code")
    template = json_object(content, "template", "content.template")
    matching(template, "name", "content.template.name", TEMPLATE_NAME, "use lowercase letters, digits and _")
    language = template.get("language")
    if language is None:
        raise missing("content.template.language.code")
    if not isinstance(language, dict):
        raise wrong_type("content.template.language", "an object with a code, e.g. {\"code\": \"en_US\"}")
    matching(language, "code", "content.template.language.code", LANGUAGE, "look like en_US or id")
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
    kind = string(component, "type", f"{where}.type")
    if kind not in COMPONENT_TYPES:
        raise unusable(f"{where}.type", f"{where}.type must be one of {', '.join(COMPONENT_TYPES)}")
    parameters = component.get("parameters")
    if parameters is not None and not (isinstance(parameters, list) and all(isinstance(p, dict) for p in parameters)):
        raise wrong_type(f"{where}.parameters", "an array of objects")
    if kind == "button":
        string(component, "sub_type", f"{where}.sub_type")
        index = component.get("index")
        if index is None:
            raise missing(f"{where}.index")
        if isinstance(index, str) and whole_number(index, 0, sys.maxsize) is not None:
            return  # template_use() reads it with int(): "³" passes isdigit() but not int()
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise unusable(f"{where}.index", f"{where}.index must be a zero-based position")


RULES: dict[str, Callable[[dict[str, Any]], None]] = {
    "text": _text,
    "template": _template,
    **{kind: _media_rule(kind) for kind in MEDIA_TYPES},
    "media": _media,  # the plugin's type, with content.mediaUrl
    "location": _location,
    "location_request": _location_request,
    "contact": _contact,
    "buttons": _buttons,
    "list": _list,
}


def check(kind: str, content: dict[str, Any]) -> None:
    """Raise the 400 or 422 that ``content`` earns as the content of a ``kind`` message (``kind`` is in RULES).

    >>> check("location", {"latitude": 91, "longitude": 0})
    Traceback (most recent call last):
    ...
    wa_emulator.web.http.ApiError: content.latitude must be between -90 and 90
    """
    RULES[kind](content)
