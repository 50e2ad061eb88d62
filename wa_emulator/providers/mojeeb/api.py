"""Mojeeb's operations as data: which contract each request and response body follows.

Read by the OpenAPI document (GET /_emulator/openapi/mojeeb.json) and by strict
mode. Sources: https://docs.mojeeb.app/docs/developers/whatsapp/send-message,
https://docs.mojeeb.app/docs/developers/whatsapp/send-template,
https://docs.mojeeb.app/docs/developers/whatsapp/message-status.
"""

from __future__ import annotations

from ...contracts.openapi import ApiDescription, Operation
from .sandbox import KEY_FULL

API = ApiDescription(
    title="Mojeeb public API v1 (WhatsApp), as emulated by wa-emulator",
    source="https://docs.mojeeb.app/docs/developers",
    folder="mojeeb",
    operations=(
        Operation("post", "/v1/whatsapp/messages", "sendMessage", "Send a free-form text message",
                  request="send-text", responses={202: "message"}),
        Operation("post", "/v1/whatsapp/templates", "sendTemplate", "Send an approved template",
                  request="send-template", responses={202: "message"}),
        Operation("get", "/v1/whatsapp/messages/{id}", "getMessage", "Read a message's status",
                  responses={200: "message"}),
    ),
    security_schemes={"bearer": {"type": "http", "scheme": "bearer",
                                 "description": "mk_live_ key, see GET /_emulator/credentials"}},
    sandbox_headers={"Authorization": f"Bearer {KEY_FULL}"},
)
