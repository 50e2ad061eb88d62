"""``/_emulator/templates``: every organization's message templates, to list, add or replace, and remove.

A template is ``{"org", "provider"?, "name", "language", "category"?, "status"?, "components"?}``:
``org`` (required) says whose it is; a field the template does not have is a 422 naming it. Each
provider's send is checked against these (core/templates.py).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core.templates import TEMPLATES, Template, TemplateError, template_from_json
from ..core.world import World
from ..web import keys
from ..web.http import ApiError, json_response, read_json_object


def template_view(world: World, org_id: str, template: Template) -> dict[str, Any]:
    org = world.tenants.org(org_id)
    return {"provider": org.provider if org else "", "org": org_id, **template.to_json()}


def list_view(world: World, provider: str | None = None, org: str | None = None) -> list[dict[str, Any]]:
    """Every template (of ``provider``, of ``org``), organization by organization."""
    registry = world.state(TEMPLATES)
    found = []
    for org_id, known in world.tenants.orgs.items():
        if (provider is None or known.provider == provider) and (org is None or org_id == org):
            found += [template_view(world, org_id, t) for t in registry.of(org_id)]
    return found


def put_template(world: World, body: Any) -> dict[str, Any]:
    """Add (or replace, by org, name and language) one template; ApiError 422 naming the bad field."""
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_field", "A template must be a JSON object.", field="")
    rest = dict(body)
    org_id = rest.pop("org", None)
    provider = rest.pop("provider", None)
    if not isinstance(org_id, str) or world.tenants.org(org_id) is None:
        raise ApiError(422, "invalid_field", "'org' must name an organization (see GET /_emulator/credentials).",
                       field="org")
    org = world.tenants.orgs[org_id]
    if provider is not None and provider != org.provider:
        raise ApiError(422, "invalid_field", f"'provider' is {org.provider!r} for organization {org_id!r}.",
                       field="provider")
    try:
        template = template_from_json(rest)
    except TemplateError as error:
        raise ApiError(422, "invalid_field", f"'{error.field}' {error.message}.", field=error.field) from None
    return template_view(world, org_id, world.state(TEMPLATES).put(org_id, template))


def remove_template(world: World, org_id: str, name: str, language: str | None) -> int:
    return world.state(TEMPLATES).remove(org_id, name, language)


async def list_templates(request: web.Request) -> web.Response:
    """``GET /_emulator/templates?provider=&org=``."""
    found = list_view(request.app[keys.world], request.query.get("provider"), request.query.get("org"))
    return json_response({"data": found, "count": len(found)})


async def add_template(request: web.Request) -> web.Response:
    """``POST /_emulator/templates``: 201 with the template as stored (an existing one is replaced)."""
    body = await read_json_object(request)
    return json_response(put_template(request.app[keys.world], body), status=201)


async def delete_template(request: web.Request) -> web.Response:
    """``DELETE /_emulator/templates/{org}/{name}?language=``: 204, or 404 when there was none."""
    world = request.app[keys.world]
    org_id, name = request.match_info["org"], request.match_info["name"]
    if remove_template(world, org_id, name, request.query.get("language")) == 0:
        raise ApiError(404, "template_not_found", f"Organization {org_id!r} has no template {name!r}"
                       + (f" in {request.query['language']!r}." if "language" in request.query else "."))
    return web.Response(status=204)
