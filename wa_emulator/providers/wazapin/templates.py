"""Wazapin's templates: the sandbox's set, ``GET /v1/templates``, ``POST /v1/templates/sync`` and the send check.

https://docsx.wazapin.com/getting-started/send-template: a template send names
``content.template.name`` and ``content.template.language.code``, fills placeholders with Meta-style
``components``, and the template "must be approved"; ``GET /v1/templates`` lists the organization's
templates and ``POST /v1/templates/sync`` pulls them from Meta (https://docsx.wazapin.com/templates/overview).
Wazapin keeps the synced list, so it can refuse at once a template it does not have in that language
or that is not approved (422, like any unusable value); whether the parameters fit is Meta's to say,
after the send: the message is accepted and then ``failed`` with Meta's ``error_code`` (132000, 132012).
The listing's field names are designed (the docs show none); see docs/fidelity.md.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.templates import (
    TEMPLATE_DISABLED,
    TEMPLATE_MISSING,
    TEMPLATE_PAUSED,
    TEMPLATES,
    Template,
    TemplateStatus,
    TemplateUse,
    seeder,
)
from ...core.world import World
from ...web import keys
from ...web.http import read_json_object
from .auth import REQUEST_KEY, require
from .fields import unusable, wrong_type
from .render import data
from .sandbox import NAME, READ, SEND

SANDBOX_TEMPLATES: tuple[dict[str, Any], ...] = (
    # What docs/sandbox.md, docs/testing.md and the operations' example send: no placeholders.
    {"name": "order_update", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Your order has been updated."}]},
    {"name": "order_shipped", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Your order has shipped."}]},
    {"name": "hello_world", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Hello World"}]},
    {"name": "order_update", "language": "id", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Pesanan Anda telah diperbarui."}]},
    # Meta-style placeholders in every part a send can fill.
    {"name": "order_confirmation", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "HEADER", "format": "IMAGE"},
        {"type": "BODY", "text": "Hi {{1}}, order {{2}} is confirmed."},
        {"type": "BUTTONS", "buttons": [
            {"type": "URL", "text": "Track", "url": "https://example.com/track/{{1}}"}]}]},
    {"name": "otp_code", "language": "en_US", "category": "AUTHENTICATION", "components": [
        {"type": "BODY", "text": "{{1}} is your verification code."}]},
    # One per review state, so a client's handling of each can be tried.
    {"name": "promo_rejected", "language": "en_US", "category": "MARKETING", "status": "rejected", "components": [
        {"type": "BODY", "text": "Half price, today only!"}]},
    {"name": "promo_pending", "language": "en_US", "category": "MARKETING", "status": "pending", "components": [
        {"type": "BODY", "text": "Our new collection is coming."}]},
    {"name": "promo_paused", "language": "en_US", "category": "MARKETING", "status": "paused", "components": [
        {"type": "BODY", "text": "A special offer for you."}]},
)

STATUSES = tuple(status.value for status in TemplateStatus)
_REFUSED_AT_ONCE = (TEMPLATE_MISSING, TEMPLATE_PAUSED, TEMPLATE_DISABLED)


seed = seeder(NAME, SANDBOX_TEMPLATES)
"""Gives every sandbox organization the sandbox's templates (a world seeder)."""


def _texts(parameters: list[dict[str, Any]]) -> list[str]:
    return [str(p.get("text", "")) for p in parameters if p.get("type", "text") == "text"]


def template_use(template: dict[str, Any]) -> TemplateUse:
    """What a send's (already validated) ``content.template`` asks of the template.

    >>> template_use({"name": "t", "language": {"code": "en_US"}, "components": [
    ...     {"type": "body", "parameters": [{"type": "text", "text": "Sara"}]},
    ...     {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "A1"}]}]})
    TemplateUse(name='t', language='en_US', body=['Sara'], header=[], header_media=False, buttons={0: ['A1']})
    """
    body: list[str] = []
    header: list[str] = []
    media = False
    buttons: dict[int, list[str]] = {}
    for component in template.get("components") or []:
        parameters = component.get("parameters") or []
        kind = component["type"]
        if kind == "body":
            body += _texts(parameters)
        elif kind == "header":
            header += _texts(parameters)
            media = media or any(p.get("type") in ("image", "video", "document") for p in parameters)
        elif kind == "button":
            texts = _texts(parameters)
            if texts:
                buttons[int(component["index"])] = texts
    return TemplateUse(template["name"], template["language"]["code"], body=body, header=header,
                       header_media=media, buttons=buttons)


def refusal(world: World, org_id: str, content: dict[str, Any]) -> int | None:
    """Raise the 422 of a template Wazapin does not have approved; else the Meta error the send ends in, or None."""
    use = template_use(content["template"])
    registry = world.state(TEMPLATES)
    code = registry.check(org_id, use)
    if code in _REFUSED_AT_ONCE:
        found = registry.find(org_id, use.name, use.language)
        if found is None:
            detail = f"template {use.name!r} in language {use.language!r} not found; sync templates or check the name"
        else:
            detail = f"template {use.name!r} in language {use.language!r} is {found.status.value}, not approved"
        raise unusable("content.template.name", detail)
    return code


def template_view(template: Template) -> dict[str, Any]:
    """A template as ``GET /v1/templates`` lists it (field names designed, Meta's words for the values)."""
    return {"id": template.id, "name": template.name, "language": template.language,
            "category": template.category, "status": template.status.value,
            "components": [c.to_json() for c in template.components]}


def _listing(request: web.Request) -> web.Response:
    org_id = request[REQUEST_KEY].org_id
    query = request.query
    wanted = {name: query.get(name) for name in ("status", "name", "language") if query.get(name) is not None}
    if "status" in wanted and wanted["status"] not in STATUSES:
        raise wrong_type("status", f"one of {', '.join(STATUSES)}")
    found = [template_view(t) for t in request.app[keys.world].state(TEMPLATES).of(org_id)]
    return data([t for t in found if all(t[name] == value for name, value in wanted.items())])


async def list_templates(request: web.Request) -> web.Response:
    """``GET /v1/templates``: the organization's templates; filters ``status``, ``name``, ``language``."""
    require(request, READ)
    return _listing(request)


async def sync_templates(request: web.Request) -> web.Response:
    """``POST /v1/templates/sync``: pull the templates from Meta; the emulator's registry is Meta's truth,
    so this answers the same list (set templates with the control API or a scenario)."""
    require(request, SEND)
    if request.can_read_body:
        await read_json_object(request)  # no fields are read, but a body sent must be one Wazapin can read
    return _listing(request)
