"""Mojeeb's request bodies, validated field by field in the order the docs list them.

Sources: https://docs.mojeeb.app/docs/developers/whatsapp/send-message (text send),
https://docs.mojeeb.app/docs/developers/whatsapp/send-template (template send).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ...core.ids import canonical_uuid
from ...web.http import ApiError

# ASCII only: str patterns' \d also matches Arabic-Indic and full-width digits, which E.164 does not allow.
E164 = re.compile(r"\+[1-9]\d{6,14}", re.ASCII)
TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
MAX_TEXT = 4096


class SendRequest(NamedTuple):
    """A validated send: who sends, from which number, to whom, and what."""

    agent_id: str
    sender: str
    to: str
    type: str
    text: str | None = None
    template_name: str | None = None
    template_language: str | None = None
    template_parameters: dict[str, str] | None = None
    header_parameters: dict[str, str] | None = None
    header_media_url: str | None = None
    buttons: tuple[Button, ...] | None = None

    def content(self) -> dict[str, Any]:
        if self.type == "text":
            return {"text": {"body": self.text}}
        template: dict[str, Any] = {"name": self.template_name, "language": self.template_language}
        if self.template_parameters is not None:
            template["parameters"] = self.template_parameters
        if self.header_parameters is not None:
            template["header_parameters"] = self.header_parameters
        if self.header_media_url is not None:
            template["header_media_url"] = self.header_media_url
        if self.buttons is not None:
            template["buttons"] = [{"index": b.index, "sub_type": b.sub_type, "parameters": b.parameters}
                                   for b in self.buttons]
        return {"template": template}


class Button(NamedTuple):
    """One entry of ``buttons[]``: which of the template's buttons (zero-based) and its named parameters."""

    index: int
    sub_type: str
    parameters: dict[str, str]


def invalid(code: str, message: str, param: str) -> ApiError:
    return ApiError(422, code, message, param=param)


def _required_string(body: dict[str, Any], field: str, path: str | None = None) -> str:
    value = body.get(field)
    if isinstance(value, str):
        return value
    name = path or field
    if value is None:
        raise invalid("missing_required_field", f"'{name}' is required.", name)
    raise invalid("invalid_field_type", f"'{name}' must be a string.", name)


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
    params = None if parameters is None else _parameters(parameters, "template.parameters")
    # The page names these beside template.parameters without saying where they sit: taken inside
    # `template` (like parameters) or at the top level of the body.
    extras = {extra: template[extra] if extra in template else body.get(extra)
              for extra in ("header_parameters", "header_media_url", "buttons")}
    header = extras["header_parameters"]
    return SendRequest(agent_id, sender, to, "template", template_name=name, template_language=language,
                       template_parameters=params,
                       header_parameters=None if header is None else _parameters(header, "header_parameters"),
                       header_media_url=_media_url(extras["header_media_url"]),
                       buttons=_buttons(extras["buttons"]))


MAX_URL = 2048
BUTTON_SUB_TYPES = ("url", "quick_reply", "copy_code")


def _media_url(value: Any) -> str | None:
    """``header_media_url``: an absolute https URL of the header's image, video or document."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("https://") or len(value) > MAX_URL \
            or not value[8:].split("/")[0] or any(c.isspace() for c in value):
        raise invalid("invalid_header_media_url",
                      f"header_media_url must be an absolute https:// URL of at most {MAX_URL} characters.",
                      "header_media_url")
    return value


def _buttons(value: Any) -> tuple[Button, ...] | None:
    """``buttons[]``: ``{"index": 0, "sub_type": "url", "parameters": {"order_id": "A123"}}`` entries."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > 10:
        raise invalid("invalid_field_type", "buttons must be an array of at most 10 button objects.", "buttons")
    found: list[Button] = []
    for position, entry in enumerate(value):
        where = f"buttons[{position}]"
        if not isinstance(entry, dict):
            raise invalid("invalid_field_type", f"{where} must be an object.", where)
        index = entry.get("index")
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index <= 9:
            raise invalid("invalid_button_index", f"{where}.index must be a whole number from 0 to 9.",
                          f"{where}.index")
        if any(b.index == index for b in found):
            raise invalid("invalid_button_index", f"{where}.index {index} is given twice.", f"{where}.index")
        sub_type = entry.get("sub_type", "url")
        if sub_type not in BUTTON_SUB_TYPES:
            raise invalid("invalid_button_sub_type",
                          f"{where}.sub_type must be one of {', '.join(BUTTON_SUB_TYPES)}.", f"{where}.sub_type")
        found.append(Button(index, sub_type, _parameters(entry.get("parameters", {}), f"{where}.parameters")))
    return tuple(found)


def _parameters(parameters: Any, param: str) -> dict[str, str]:
    """Named parameters as placeholder names to text (numbers are taken and written as text).

    >>> _parameters({"customer_name": "Sara", "count": 2}, "template.parameters")
    {'customer_name': 'Sara', 'count': '2'}
    """
    if isinstance(parameters, dict):
        for value in parameters.values():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                break
        else:
            return {str(k): str(v) for k, v in parameters.items()}
    raise invalid(
        "invalid_template_parameters",
        f"{param} must be an object of named placeholders with string values.",
        param,
    )
