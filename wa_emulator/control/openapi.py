"""The control API's own operations, and ``GET /_emulator/openapi/{name}.json``.

``name`` is a provider's name (its API, assembled from ``contracts/<provider>/``)
or ``control`` (this API, from ``contracts/control/``).
"""

from __future__ import annotations

from aiohttp import web

from ..contracts.openapi import ApiDescription, Operation, description_of, document
from ..web.http import ApiError, json_response
from ..web.routing import Routes
from .routes import PROVIDERS

_FILTERS = ("provider", "status", "to", "direction")

CONTROL_API = ApiDescription(
    title="wa-emulator control API",
    source="designed: the emulator's own API (design.md, Tests, fixture and control)",
    folder="control",
    operations=(
        Operation("get", "/health", "health", "Health, version, providers and clock", responses={200: "health"}),
        Operation("post", "/reset", "reset", "Messages, journal, deliveries, faults and clock back to the start",
                  responses={200: "reset"}),
        Operation("get", "/clock", "getClock", "Read the emulated clock", responses={200: "clock"}),
        Operation("post", "/clock/advance", "advanceClock",
                  "Move time forward by {seconds} or to {to}, running due events", responses={200: "clock"}),
        Operation("post", "/clock/mode", "setClockMode", "Switch to real, scaled (factor) or manual time",
                  responses={200: "clock"}),
        Operation("get", "/credentials", "credentials", "Sandbox tenants, keys and senders by provider",
                  responses={200: "credentials"}),
        Operation("get", "/messages", "listMessages", "Messages with their full status history",
                  responses={200: "message-list"}, query=_FILTERS),
        Operation("get", "/messages/{id}", "getMessage", "One message with its full status history",
                  responses={200: "message"}),
        Operation("get", "/contacts", "listContacts", "Recipient profiles", responses={200: "contact-list"}),
        Operation("put", "/contacts/{phone}", "setContact", "Set a recipient's profile", responses={200: "contact"}),
        Operation("post", "/inbound", "inbound", "A customer writes in (opens the 24-hour window)",
                  responses={201: "message"}),
        Operation("get", "/journal", "journal", "Every provider API call", responses={200: "journal"},
                  query=("provider", "method", "path", "status", "limit")),
        Operation("get", "/webhooks/deliveries", "deliveries", "Webhook deliveries with every attempt",
                  responses={200: "delivery-list"}, query=("provider", "message_id", "state")),
        Operation("post", "/webhooks/directives", "webhookDirective",
                  "Delay, duplicate or drop the webhook of one future status change", responses={201: "directive"}),
        Operation("get", "/scenario", "getScenario", "The scenario in force", responses={200: "scenario"}),
        Operation("post", "/scenario", "loadScenario", "Load another scenario: {name}, {path}, or YAML or JSON",
                  responses={201: "scenario"}),
        Operation("get", "/faults", "listFaults", "Faults in force", responses={200: "fault-list"}),
        Operation("post", "/faults", "addFault", "Inject a fault on provider routes", request="fault-request",
                  responses={201: "fault"}),
        Operation("delete", "/faults", "clearFaults", "Remove every fault", responses={204: None}),
        Operation("delete", "/faults/{id}", "deleteFault", "Remove one fault", responses={204: None}),
        Operation("get", "/openapi/{name}.json", "openapi", "The OpenAPI 3.1 document of a provider or 'control'",
                  responses={200: "openapi"}),
    ),
)


def register(router: Routes) -> None:
    """Add the OpenAPI route to the control routes."""
    router.add_get("/openapi/{name}.json", openapi_document)


async def openapi_document(request: web.Request) -> web.Response:
    """``GET /_emulator/openapi/{name}.json``; servers point at this emulator's base URLs."""
    name = request.match_info["name"]
    root = f"{request.scheme}://{request.host}"
    if name == "control":
        return json_response(document(CONTROL_API, f"{root}/_emulator"))
    for provider in request.app[PROVIDERS]:
        api = description_of(provider)
        if provider.name == name and api is not None:
            return json_response(document(api, root + provider.base_path))
    known = ["control", *(p.name for p in request.app[PROVIDERS] if description_of(p) is not None)]
    raise ApiError(404, "unknown_api", f"No OpenAPI document called {name!r}; there are: {', '.join(known)}.")
