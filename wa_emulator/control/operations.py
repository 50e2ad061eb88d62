"""The control API's operations: the one table that routes ``/_emulator/`` and builds its OpenAPI document.

Its JSON is its own, not a provider's: errors are ``{"error": {"code", "message", …}}`` with a 4xx.
"""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from ..web.front import DoorPolicy
from ..web.http import ApiError, json_response
from ..web.operations import BODY_ERRORS, ApiDescription, Operation
from . import (
    bins,
    clock,
    contacts,
    credentials,
    faults,
    health,
    index,
    journal,
    messages,
    openapi,
    queue,
    scenario,
    templates,
    tls,
    webhooks,
)
from .access import ControlAccess

_FILTERS = ("provider", "status", "to", "direction")
_BODY = (*BODY_ERRORS, 422)  # a JSON body read by the handler itself: unreadable, or a field unusable


def render_error(request: web.Request, error: ApiError) -> web.Response:
    body = {"error": {"code": error.code, "message": error.message, **error.extra}}
    return json_response(body, status=error.status, headers=error.headers)


# Not a provider: no request ids, no journal entries, no faults; only the error envelope and strict checks.
DOOR = DoorPolicy("control", render=render_error, request_ids=None, provider=False)


def door(access: ControlAccess) -> DoorPolicy:
    """The control door admitting callers by ``access``; unknown paths too, so they reveal nothing.

    >>> door(ControlAccess("loopback")).admit_unmatched
    True
    """
    return replace(DOOR, admit=access.admit, admit_unmatched=True)

API = ApiDescription(
    title="wa-emulator control API",
    source="designed: the emulator's own API (design.md, Tests, fixture and control)",
    folder="control",
    operations=(
        Operation("get", "/", "index", "This index: every control operation's method, path and summary",
                  index.index, responses={200: "index"}),
        Operation("get", "/health", "health", "Health, version, providers and clock", health.health,
                  responses={200: "health"}),
        # Public: a certificate is no secret, and a client beyond loopback needs it before anything else.
        Operation("get", "/ca.pem", "caCertificate", "The CA certificate HTTPS clients trust (serve --tls)",
                  tls.ca_certificate, responses={200: None}, media_type=tls.PEM, public=True),
        Operation("post", "/reset", "reset", "Messages, journal, deliveries, faults and clock back to the start",
                  health.reset, responses={200: "reset"}, errors=_BODY),
        Operation("get", "/clock", "getClock", "Read the emulated clock", clock.get_clock, responses={200: "clock"}),
        Operation("post", "/clock/advance", "advanceClock",
                  "Move time forward by {seconds} or to {to}, running due events", clock.advance_clock,
                  responses={200: "clock"}, errors=_BODY),
        Operation("post", "/clock/mode", "setClockMode", "Switch to real, scaled (factor) or manual time",
                  clock.set_clock_mode, responses={200: "clock"}, errors=_BODY),
        Operation("get", "/credentials", "credentials", "Sandbox tenants, keys and senders by provider",
                  credentials.credentials, responses={200: "credentials"}),
        Operation("get", "/messages", "listMessages", "Messages with their full status history", messages.list_messages,
                  responses={200: "message-list"}, query=(*_FILTERS, "order", "offset", "limit"), errors=(400,),
                  query_schemas={"order": {"enum": ["oldest", "newest"]},
                                 "offset": {"type": "integer", "minimum": 0, "maximum": 100_000},
                                 "limit": {"type": "integer", "minimum": 1, "maximum": 100_000}}),
        Operation("get", "/messages/{id}", "getMessage", "One message with its full status history",
                  messages.get_message, responses={200: "message"}),
        Operation("get", "/contacts", "listContacts", "Recipient profiles", contacts.list_contacts,
                  responses={200: "contact-list"}),
        Operation("put", "/contacts/{phone}", "setContact", "Set a recipient's profile", contacts.set_contact,
                  responses={200: "contact"}, errors=_BODY),
        Operation("post", "/inbound", "inbound", "A customer writes in (opens the 24-hour window)", contacts.inbound,
                  responses={201: "message"}, errors=_BODY),
        Operation("get", "/journal", "journal", "Every provider API call", journal.journal, responses={200: "journal"},
                  query=("provider", "method", "path", "status", "limit"), errors=(400,),
                  query_schemas={"status": {"type": "integer", "minimum": 100, "maximum": 599},
                                 "limit": {"type": "integer", "minimum": 1, "maximum": 1_000_000}}),
        Operation("get", "/webhooks/deliveries", "deliveries", "Webhook deliveries with every attempt",
                  webhooks.deliveries, responses={200: "delivery-list"},
                  query=("provider", "message_id", "state"), errors=(400,)),
        Operation("post", "/webhooks/directives", "webhookDirective",
                  "Delay, duplicate or drop the webhook of one future status change",
                  webhooks.webhook_directive, responses={201: "directive"}, errors=(*_BODY, 409)),
        Operation("get", "/scenario", "getScenario", "The scenario in force", scenario.get_scenario,
                  responses={200: "scenario"}),
        Operation("post", "/scenario", "loadScenario", "Load another scenario: {name}, {path}, or YAML or JSON",
                  scenario.load_another, responses={201: "scenario"}, errors=(400, 413, 422)),
        Operation("get", "/faults", "listFaults", "Faults in force", faults.list_faults, responses={200: "fault-list"}),
        Operation("post", "/faults", "addFault", "Inject a fault on provider routes", faults.add_fault,
                  request="fault-request", responses={201: "fault"}, errors=(422,)),
        Operation("delete", "/faults", "clearFaults", "Remove every fault", faults.clear_faults, responses={204: None}),
        Operation("delete", "/faults/{id}", "deleteFault", "Remove one fault", faults.delete_fault,
                  responses={204: None}),
        # The held webhook queue (control/queue.py) and the request bins (control/bins.py).
        Operation("post", "/webhooks/hold", "holdWebhooks",
                  "Hold outbound webhooks: all, or by {provider, endpoint_id, url, message_id}", queue.hold,
                  responses={201: "hold"}, errors=_BODY),
        Operation("get", "/webhooks/hold", "listHolds", "The holds in force", queue.list_holds,
                  responses={200: "hold-list"}),
        Operation("delete", "/webhooks/hold", "stopHolds", "Stop every hold (what is held stays held)",
                  queue.stop_holds, responses={204: None}),
        Operation("delete", "/webhooks/hold/{id}", "stopHold", "Stop one hold", queue.stop_hold,
                  responses={204: None}, errors=(404,)),
        Operation("get", "/webhooks/held", "heldWebhooks", "The held webhook queue and the holds in force",
                  queue.held, responses={200: "held-list"}),
        Operation("post", "/webhooks/release", "releaseWebhooks",
                  "Send held webhooks now, one after another: {ids} in that order, or all {order}",
                  queue.release, responses={200: "delivery-list"}, errors=(*_BODY, 404)),
        Operation("post", "/webhooks/drop", "dropWebhooks", "Lose held webhooks {ids} (or all): never sent",
                  queue.drop, responses={200: "delivery-list"}, errors=(*_BODY, 404)),
        Operation("post", "/webhooks/duplicate", "duplicateWebhooks", "Add a held copy of held webhooks {ids} (or all)",
                  queue.duplicate, responses={201: "delivery-list"}, errors=(*_BODY, 404)),
        Operation("get", "/bin", "listBins", "The request bins that hold something", bins.list_bins,
                  responses={200: "bin-list"}),
        # Public: a bin is a webhook receiver; whoever may send the server webhooks may post to it.
        Operation("post", "/bin/{name}", "binReceive", "A request bin: keep this request (any body), answer 200",
                  bins.receive, responses={200: "bin-receipt"}, errors=(413, 422), public=True),
        Operation("get", "/bin/{name}", "getBin",
                  "What a request bin received: headers, body, time, provider, signature check",
                  bins.list_bin, responses={200: "bin"}, errors=(422,)),
        Operation("delete", "/bin/{name}", "clearBin", "Empty a request bin", bins.clear_bin,
                  responses={204: None}, errors=(422,)),
        Operation("get", "/templates", "listTemplates", "Every organization's message templates",
                  templates.list_templates, responses={200: "template-list"}, query=("provider", "org")),
        Operation("post", "/templates", "addTemplate", "Add or replace a template of an organization",
                  templates.add_template, request="template-request", responses={201: "template"}, errors=(422,)),
        Operation("delete", "/templates/{org}/{name}", "deleteTemplate",
                  "Remove a template (in every language, or ?language=)", templates.delete_template,
                  responses={204: None}, query=("language",), errors=(404,)),
        Operation("get", "/openapi/{name}.json", "openapi", "The OpenAPI 3.1 document of a provider or 'control'",
                  openapi.openapi_document, responses={200: "openapi"}),
    ),
    admission_errors=(),  # no credentials, no rate limit
)
