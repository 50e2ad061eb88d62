"""Qlara's operations as data: which contract each request, response and webhook body follows.

Read by the OpenAPI document (GET /_emulator/openapi/qlara.json) and by strict
mode. Paths are relative to the base URL (``…/qlara/api``). Sources:
https://agiletelecom.com/documentation/qlara/guides/whatsapp,
https://agiletelecom.com/documentation/qlara/it/api/get-single-status,
https://agiletelecom.com/documentation/qlara/api/message-delivery-status,
https://agiletelecom.com/documentation/qlara/guides/webhooks.
"""

from __future__ import annotations

from ...contracts.openapi import ApiDescription, Operation
from .sandbox import KEY_PRODUCTION

_WEBHOOK = "/partner-gateway/v1/webhooks/delivery-status"

API = ApiDescription(
    title="Qlara partner gateway (Agile Telecom), WhatsApp, as emulated by wa-emulator",
    source="https://agiletelecom.com/documentation/qlara/",
    folder="qlara",
    operations=(
        Operation("post", "/message-server/whatsapp/send", "sendWhatsapp", "Send a WhatsApp template or text",
                  request="send-request", responses={200: "send-response"}),
        Operation("get", "/partner-gateway/v1/messages/status", "getStatuses",
                  "Statuses of several messages by customerMessageId", responses={200: "status-batch"},
                  query=("ids", "customerMessageIds", "channel")),
        Operation("get", "/partner-gateway/v1/messages/status/{customerMessageId}", "getStatus",
                  "Status of one message by customerMessageId", responses={200: "status"}, query=("channel",)),
        Operation("get", "/partner-gateway/v1/whatsapp/messages/{messageId}/status", "getWhatsappStatus",
                  "Status of one WhatsApp message by messageId", responses={200: "status"}),
        Operation("post", _WEBHOOK, "createWebhook", "Configure the account's delivery-status webhook",
                  request="webhook-request", responses={201: "webhook"}),
        Operation("get", _WEBHOOK, "getWebhook", "Read the delivery-status webhook", responses={200: "webhook"}),
        Operation("put", _WEBHOOK, "updateWebhook", "Change the delivery-status webhook's URL",
                  request="webhook-request", responses={200: "webhook"}),
        Operation("delete", _WEBHOOK, "deleteWebhook", "Remove the delivery-status webhook", responses={204: None}),
    ),
    error_by_status={429: "rate-limit-error"},
    security_schemes={
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
        "basic": {"type": "http", "scheme": "basic"},
    },
    webhooks={"DELIVERY": "event-delivery", "READ": "event-read", "INBOUND": "event-inbound"},
    sandbox_headers={"X-Api-Key": KEY_PRODUCTION},
)
