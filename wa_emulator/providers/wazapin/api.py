"""Wazapin's operations as data: which contract each response and webhook body follows.

Read by the OpenAPI document (GET /_emulator/openapi/wazapin.json) and by strict
mode. Error bodies and webhook bodies each have two shapes (the current one and
an older one offered per tenant or per endpoint), so either is accepted. Only
the 204 of a delete carries no body. Sources:
https://docsx.wazapin.com/api/overview, https://docsx.wazapin.com/api/errors,
https://docsx.wazapin.com/api/webhooks.
"""

from __future__ import annotations

from ...contracts.openapi import ApiDescription, Operation
from .endpoints import MESSAGE_NEW, STATUS_UPDATE, TEST_EVENT
from .sandbox import KEY_FULL

_HOOKS = "/v1/settings/developer/webhooks"
_ENDPOINT = _HOOKS + "/endpoints/{endpoint_id}"

API = ApiDescription(
    title="Wazapin API v1, as emulated by wa-emulator",
    source="https://docsx.wazapin.com/api/overview",
    folder="wazapin",
    operations=(
        Operation("get", "/v1/health", "health", "Is the API up (no key needed)", responses={200: "health"},
                  public=True),
        Operation("post", "/v1/messages", "sendMessage", "Send a WhatsApp message", request="send_message",
                  responses={201: "message"}),
        Operation("get", "/v1/messages", "listMessages", "Messages, newest first, with a cursor",
                  responses={200: "message_list"},
                  query=("limit", "cursor", "status", "channel_id", "conversation_id", "direction")),
        Operation("get", "/v1/messages/{id}", "getMessage", "One message record", responses={200: "message"}),
        Operation("get", "/v1/messages/{id}/status", "getMessageStatus", "A message's status, lightweight",
                  responses={200: "message_status"}),
        Operation("get", _HOOKS, "listWebhooks", "Webhook endpoints and event types",
                  responses={200: "webhook_list"}),
        Operation("post", _HOOKS + "/endpoints", "createEndpoint", "Add a webhook endpoint",
                  request="webhook_endpoint_request", responses={201: "webhook_endpoint"}),
        Operation("patch", _ENDPOINT, "patchEndpoint", "Change a webhook endpoint",
                  request="webhook_endpoint_request", responses={200: "webhook_endpoint"}),
        Operation("put", _ENDPOINT, "putEndpoint", "Change a webhook endpoint", request="webhook_endpoint_request",
                  responses={200: "webhook_endpoint"}),
        Operation("delete", _ENDPOINT, "deleteEndpoint", "Remove a webhook endpoint", responses={204: None}),
        Operation("post", _ENDPOINT + "/rotate-secret", "rotateSecret", "Rotate an endpoint's signing secret",
                  responses={200: "webhook_secret"}),
        Operation("post", _ENDPOINT + "/test", "sendTestEvent", "Send a test event to an endpoint",
                  responses={202: "webhook_test_response"}),
        Operation("get", _HOOKS + "/deliveries", "listDeliveries", "Webhook deliveries with their attempts",
                  responses={200: "webhook_delivery_list"}, query=("limit", "message_id", "endpoint_id", "state")),
        Operation("post", _HOOKS + "/deliveries/{id}/retry", "retryDeliveries",
                  "Retry a message's failed webhook deliveries", responses={202: "webhook_retry"}),
    ),
    error=("error", "error_legacy"),
    security_schemes={
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
        "bearer": {"type": "http", "scheme": "bearer"},
    },
    webhooks={
        STATUS_UPDATE: ("webhook_status_update", "webhook_envelope"),
        MESSAGE_NEW: ("webhook_message_new", "webhook_envelope"),
        TEST_EVENT: ("webhook_test_event", "webhook_envelope"),
    },
    sandbox_headers={"X-Api-Key": KEY_FULL},
)
