"""Wazapin's operations: the one table that routes its requests and builds its OpenAPI document.

Paths are relative to the base URL (``https://api.wazapin.com``; ``/wazapin`` here). Error bodies
and webhook bodies each have two shapes (the current one and an older one offered per tenant or
per endpoint), so either is accepted. Only the 204 of a delete carries no body. Sources:
https://docsx.wazapin.com/api/overview, https://docsx.wazapin.com/api/errors,
https://docsx.wazapin.com/api/webhooks.
"""

from __future__ import annotations

from ...web.operations import BODY_ERRORS, ApiDescription, Operation, WebhookRegistration
from . import accounts, channels, handlers, inbound, media, templates
from .sandbox import API_KEYS, CHANNEL_MAIN, KEY_FULL, PASSWORD, READ, SEND, USER_ADMIN
from .webhooks import MESSAGE_NEW, STATUS_UPDATE, TEST_EVENT

# A valid send from the sandbox's main channel (the OpenAPI document shows it; benchmarks send it).
SEND_EXAMPLE = {"channel_id": CHANNEL_MAIN, "to": "6281234567890", "type": "template",
                "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}

_HOOKS = "/v1/settings/developer/webhooks"
# A listing's page size, as parse.page_limit reads it.
_LIMIT = {"limit": {"type": "integer", "minimum": 1, "maximum": 100}}
_ENDPOINT = _HOOKS + "/endpoints/{endpoint_id}"
LOGIN_EXAMPLE = {"email": USER_ADMIN, "password": PASSWORD}
KEY_EXAMPLE = {"name": "ci-sender", "permissions": [SEND, READ]}
ENDPOINT_EXAMPLE = {"url": "http://127.0.0.1:9/wazapin/webhooks", "events": [STATUS_UPDATE, MESSAGE_NEW]}

API = ApiDescription(
    title="Wazapin API v1, as emulated by wa-emulator",
    source="https://docsx.wazapin.com/api/overview",
    folder="wazapin",
    operations=(
        Operation("get", "/v1/health", "health", "Is the API up (no key needed)", handlers.health,
                  responses={200: "health"}, public=True),
        Operation("post", "/v1/messages", "sendMessage", "Send a WhatsApp message", handlers.send_message,
                  request="send-message", responses={201: "message"}, example=SEND_EXAMPLE,
                  errors=(404, 409, 422)),
        Operation("get", "/v1/messages", "listMessages", "Messages, newest first, with a cursor",
                  handlers.list_messages, responses={200: "message-list"},
                  query=("limit", "cursor", "status", "channel_id", "conversation_id", "direction"), errors=(400,),
                  query_schemas=_LIMIT),
        Operation("get", "/v1/messages/{id}", "getMessage", "One message record", handlers.get_message,
                  responses={200: "message"}),
        Operation("get", "/v1/messages/{id}/status", "getMessageStatus", "A message's status, lightweight",
                  handlers.get_message_status, responses={200: "message-status"}),
        Operation("get", inbound.MEDIA_PATH, "downloadMedia", "The file of an inbound media message",
                  inbound.download_media, responses={200: None}, media_type="application/octet-stream", public=True),
        Operation("get", "/v1/templates", "listTemplates", "The organization's message templates",
                  templates.list_templates, responses={200: "template-list"}, query=("status", "name", "language"),
                  errors=(400,), query_schemas={"status": {"type": "string", "enum": list(templates.STATUSES)}}),
        Operation("post", "/v1/templates/sync", "syncTemplates", "Sync the templates from Meta",
                  templates.sync_templates, responses={200: "template-list"}, errors=BODY_ERRORS),
        Operation("post", "/v1/auth/login", "login", "Sign in: a session token for Authorization: Bearer",
                  accounts.login, request="login-request", responses={200: "login"}, example=LOGIN_EXAMPLE,
                  public=True, errors=(401,)),
        Operation("post", "/v1/api-keys", "createApiKey", f"Create an API key (needs {API_KEYS}); its secret "
                  "is shown only in this answer", accounts.create_key, request="api-key-request",
                  responses={201: "api-key-created"}, example=KEY_EXAMPLE, errors=(422,)),
        Operation("get", "/v1/api-keys", "listApiKeys", "The organization's API keys, secrets hidden",
                  accounts.list_keys, responses={200: "api-key-list"}),
        Operation("delete", "/v1/api-keys/{key_id}", "deleteApiKey", "Delete (revoke) an API key",
                  accounts.delete_key, responses={204: None}),
        Operation("get", "/v1/channels", "listChannels", "The organization's channels and their status",
                  channels.list_channels, responses={200: "channel-list"}),
        Operation("get", "/v1/channels/{channel_id}", "getChannel", "One channel",
                  channels.get_channel, responses={200: "channel"}),
        Operation("get", "/v1/channels/{channel_id}/status", "getChannelStatus",
                  "Whether a channel is connected and can send", channels.get_channel_status,
                  responses={200: "channel-status"}),
        Operation("post", "/v1/messages/uploads/{kind}", "uploadMedia",
                  "Upload a file (multipart part file) to send by its media_url", media.upload,
                  request="media-upload-request", request_media_type="multipart/form-data",
                  responses={201: "media-upload"}, errors=(422,)),
        Operation("get", "/v1/media/{media_id}", "getMedia", "An uploaded file (its media_url; no key)",
                  media.download, responses={200: None}, public=True, media_type="*/*"),
        Operation("get", _HOOKS, "listWebhooks", "Webhook endpoints and event types", handlers.list_webhooks,
                  responses={200: "webhook-list"}),
        Operation("post", _HOOKS + "/endpoints", "createEndpoint", "Add a webhook endpoint",
                  handlers.create_endpoint, request="webhook-endpoint-request",
                  responses={201: "webhook-endpoint"}, example=ENDPOINT_EXAMPLE, errors=(409, 422)),
        Operation("patch", _ENDPOINT, "patchEndpoint", "Change a webhook endpoint", handlers.update_endpoint,
                  request="webhook-endpoint-request", responses={200: "webhook-endpoint"}, errors=(409, 422)),
        Operation("put", _ENDPOINT, "putEndpoint", "Change a webhook endpoint", handlers.update_endpoint,
                  request="webhook-endpoint-request", responses={200: "webhook-endpoint"}, errors=(409, 422)),
        Operation("delete", _ENDPOINT, "deleteEndpoint", "Remove a webhook endpoint", handlers.delete_endpoint,
                  responses={204: None}),
        Operation("post", _ENDPOINT + "/rotate-secret", "rotateSecret", "Rotate an endpoint's signing secret",
                  handlers.rotate_secret, responses={200: "webhook-secret"}),
        Operation("post", _ENDPOINT + "/test", "sendTestEvent", "Send a test event to an endpoint",
                  handlers.send_test_event, responses={202: "webhook-test-response"}),
        Operation("get", _HOOKS + "/deliveries", "listDeliveries", "Webhook deliveries with their attempts",
                  handlers.list_deliveries, responses={200: "webhook-delivery-list"},
                  query=("limit", "message_id", "endpoint_id", "state"), errors=(400,), query_schemas=_LIMIT),
        Operation("post", _HOOKS + "/deliveries/{id}/retry", "retryDeliveries",
                  "Retry a message's failed webhook deliveries", handlers.retry_message_deliveries,
                  responses={202: "webhook-retry"}, errors=(409,)),
    ),
    error=("error", "error-legacy"),
    security_schemes={
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
        "bearer": {"type": "http", "scheme": "bearer"},
    },
    webhooks={
        STATUS_UPDATE: ("webhook-status-update", "webhook-envelope"),
        MESSAGE_NEW: ("webhook-message-new", "webhook-envelope"),
        TEST_EVENT: ("webhook-test-event", "webhook-envelope"),
    },
    sandbox_headers={"X-Api-Key": KEY_FULL},
    first_request="sendMessage",
    webhook_registration=WebhookRegistration("createEndpoint", "url"),
    admission_errors=(401, 403, 429),  # 403: the key lacks the operation's permission, or the organization
    # Problem details by default; an organization that chose the older body gets it as plain JSON.
    error_media_types={"application/problem+json": "error", "application/json": "error-legacy"},
)
