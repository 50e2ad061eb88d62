"""Mojeeb's operations: the one table that routes its requests and builds its OpenAPI document.

Paths are relative to the base URL (``https://api.mojeeb.app``; ``/mojeeb`` here). Sources:
https://docs.mojeeb.app/docs/developers/whatsapp/send-message,
https://docs.mojeeb.app/docs/developers/whatsapp/send-template,
https://docs.mojeeb.app/docs/developers/whatsapp/message-status.
"""

from __future__ import annotations

from ...web.operations import ApiDescription, Operation
from . import handlers
from .idempotency import idempotent
from .sandbox import AGENT_SUPPORT, KEY_FULL

# Valid sends from the sandbox's first agent (the OpenAPI document shows them; benchmarks send them).
TEXT_EXAMPLE = {"agent_id": AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567", "text": {"body": "Hello"}}
TEMPLATE_EXAMPLE = {"agent_id": AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567",
                    "template": {"name": "order_tracking", "language": "en",
                                 "parameters": {"customer_name": "Sara", "tracking_url": "https://example.com/track/A123"}}}

# 403: the key may not send from that agent; 409: the same Idempotency-Key is still in flight;
# 422: a field, the sender or the Idempotency-Key is unusable.
_SEND_ERRORS = (403, 409, 422)

API = ApiDescription(
    title="Mojeeb public API v1 (WhatsApp), as emulated by wa-emulator",
    source="https://docs.mojeeb.app/docs/developers",
    folder="mojeeb",
    operations=(
        Operation("post", "/v1/whatsapp/messages", "sendMessage", "Send a free-form text message",
                  handlers.send_message, request="send-text", responses={202: "message"}, around=idempotent,
                  example=TEXT_EXAMPLE, errors=_SEND_ERRORS),
        Operation("post", "/v1/whatsapp/templates", "sendTemplate", "Send an approved template", handlers.send_template,
                  request="send-template", responses={202: "message"}, around=idempotent,
                  example=TEMPLATE_EXAMPLE, errors=_SEND_ERRORS),
        Operation("get", "/v1/whatsapp/messages/{id}", "getMessage", "Read a message's status", handlers.get_message,
                  responses={200: "message"}),
    ),
    security_schemes={"bearer": {"type": "http", "scheme": "bearer",
                                 "description": "mk_live_ key, see GET /_emulator/credentials"}},
    sandbox_headers={"Authorization": f"Bearer {KEY_FULL}"},
    first_request="sendMessage",
    admission_errors=(401, 403, 429),  # 403: the key lacks the messages scope
)
