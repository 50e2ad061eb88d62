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
    params = None if parameters is None else _parameters(parameters)
    return SendRequest(agent_id, sender, to, "template", template_name=name, template_language=language,
                       template_parameters=params)


def _parameters(parameters: Any) -> dict[str, str]:
    """``template.parameters`` as placeholder names to text (numbers are taken and written as text).

    >>> _parameters({"customer_name": "Sara", "count": 2})
    {'customer_name': 'Sara', 'count': '2'}
    """
    if isinstance(parameters, dict):
        for value in parameters.values():
            if not isinstance(value, str | int | float):
                break
        else:
            return {str(k): str(v) for k, v in parameters.items()}
    raise invalid(
        "invalid_template_parameters",
        "template.parameters must be an object of named placeholders with string values.",
        "template.parameters",
    )
