"""Qlara's WhatsApp templates and sender numbers: the sandbox's set, the listings, and the send check.

``GET /message-server/whatsapp/templates?status=APPROVED&phoneNumberId=5&limit=10`` and its answer
``{"data": [{id, name, language, category, status, components}]}`` are documented
(https://agiletelecom.com/documentation/qlara/guides/whatsapp,
https://agiletelecom.com/documentation/qlara/use-cases/UC-003-send-whatsapp-template); so is
``GET /message-server/whatsapp/phone-numbers``, whose answer is not (designed, see docs/fidelity.md).

A send of a template the account does not have in that language, or that is not approved, or with
the wrong number of ``parameters``, is accepted and ends in ERROR: qlara/api/whats-app lists "the
message template was rejected" among the causes of ERROR, a status the message reaches after the send.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.templates import TEMPLATES, Template, TemplateStatus, TemplateUse, seeder
from ...core.world import World
from ...web import keys
from ...web.http import json_response
from . import sandbox
from .auth import CALLER
from .parse import SendRequest, bad_request, query_whole

# https://agiletelecom.com/documentation/qlara/use-cases/UC-003-send-whatsapp-template shows
# order_shipped in Italian with an image header, one body placeholder, a footer and a URL button.
SANDBOX_TEMPLATES: tuple[dict[str, Any], ...] = (
    {"name": "order_shipped", "language": "it", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Ciao {{1}}, il tuo ordine è stato spedito."},
        {"type": "FOOTER", "text": "Grazie per aver scelto il nostro negozio"},
        {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Traccia", "url": "https://example.com/track"}]}]},
    {"name": "order_shipped", "language": "en", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Hi {{1}}, your order has shipped."}]},
    {"name": "order_ready", "language": "it", "category": "UTILITY", "components": [
        {"type": "HEADER", "format": "IMAGE"},
        {"type": "BODY", "text": "Ciao {{1}}, l'ordine {{2}} è pronto per il ritiro."}]},
    {"name": "hello_world", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Hello World"}]},
    # One per review state, so a client's handling of each can be tried.
    {"name": "promo_rejected", "language": "it", "category": "MARKETING", "status": "rejected", "components": [
        {"type": "BODY", "text": "Sconto del 50% solo oggi!"}]},
    {"name": "promo_pending", "language": "it", "category": "MARKETING", "status": "pending", "components": [
        {"type": "BODY", "text": "Nuova collezione in arrivo."}]},
    {"name": "promo_paused", "language": "it", "category": "MARKETING", "status": "paused", "components": [
        {"type": "BODY", "text": "Offerta speciale per te."}]},
)

STATUSES = {status.value.upper(): status for status in TemplateStatus}
MAX_LIMIT = 1000  # designed


seed = seeder(sandbox.NAME, SANDBOX_TEMPLATES)
"""Gives every sandbox organization the sandbox's templates (a world seeder)."""


def refusal(world: World, org_id: str, send: SendRequest) -> int | None:
    """The Meta error a template send ends in (None: fine, or not a template)."""
    if send.template_name is None:
        return None
    template = send.content["template"]
    use = TemplateUse(template["name"], template["language"], body=template["parameters"])
    return world.state(TEMPLATES).check(org_id, use)


def template_view(template: Template) -> dict[str, Any]:
    """A template as Qlara lists it: an integer id, upper-case status, Meta-style components."""
    components = []
    for component in template.components:
        item: dict[str, Any] = {"type": component.type}
        if component.type == "HEADER":
            item["format"] = component.format
        if component.text is not None:
            item["text"] = component.text
        if component.buttons:
            item["buttons"] = [button.to_json() for button in component.buttons]
        components.append(item)
    return {"id": template.number, "name": template.name, "language": template.language,
            "category": template.category, "status": template.status.value.upper(), "components": components}


def _own_number(world: World, org_id: str, phone_number_id: int) -> None:
    agent = world.tenants.agent(sandbox.agent_id(phone_number_id))
    if agent is None or agent.org_id != org_id:
        raise bad_request(f"phoneNumberId {phone_number_id} is not a WhatsApp number of this account.",
                          "phoneNumberId")


async def list_templates(request: web.Request) -> web.Response:
    """``GET /message-server/whatsapp/templates``: filtered by ``status`` and ``phoneNumberId``, at most ``limit``."""
    world, org_id = request.app[keys.world], request[CALLER].org.id
    query = request.query
    wanted = query.get("status")
    if wanted is not None and wanted.upper() not in STATUSES:
        raise bad_request(f"Query parameter 'status' must be one of {', '.join(STATUSES)}.", "status")
    number = query_whole(query, "phoneNumberId", 0, 2**31 - 1)
    if number is not None:
        # Templates belong to the account's WhatsApp Business account, shared by its numbers.
        _own_number(world, org_id, number)
    limit = query_whole(query, "limit", 1, MAX_LIMIT)
    found = [t for t in world.state(TEMPLATES).of(org_id)
             if wanted is None or t.status is STATUSES[wanted.upper()]]
    return json_response({"data": [template_view(t) for t in found[:limit]]})


async def list_phone_numbers(request: web.Request) -> web.Response:
    """``GET /message-server/whatsapp/phone-numbers``: the account's WhatsApp sender numbers (shape designed)."""
    world, org = request.app[keys.world], request[CALLER].org
    numbers = []
    for agent in world.tenants.agents_of(org.id):
        number = sandbox.phone_number_id(agent.id) if agent.id.removeprefix("qlara-phone-").isdigit() else None
        if number is None:
            continue
        numbers.append({"id": number, "phoneNumber": agent.phones[0] if agent.phones else None,
                        "displayName": agent.name,
                        "status": "RESTRICTED" if sandbox.listed(org.settings, sandbox.RESTRICTED_NUMBERS, number)
                        else "CONNECTED"})
    return json_response({"data": numbers})
