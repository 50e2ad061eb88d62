"""Qlara's operations: the one table that routes its requests and builds its OpenAPI document.

Paths are relative to the base URL (``https://lora-api.agiletelecom.com/api``; ``/qlara/api`` here). Sources:
https://agiletelecom.com/documentation/qlara/guides/whatsapp,
https://agiletelecom.com/documentation/qlara/it/api/get-single-status,
https://agiletelecom.com/documentation/qlara/api/message-delivery-status,
https://agiletelecom.com/documentation/qlara/guides/webhooks.
"""

from __future__ import annotations

from ...web.operations import ApiDescription, Operation
from . import handlers, inbound, templates
from .sandbox import KEY_PRODUCTION, PHONE_MAIN

_WEBHOOK = "/partner-gateway/v1/webhooks/delivery-status"
_CHANNEL = {"channel": {"type": "string", "enum": ["SMS", "RCS", "WHATSAPP"]}}

# Valid requests for the sandbox's production account (the OpenAPI document shows them; benchmarks send them).
SEND_EXAMPLE = {"destination": "+393401234567", "phoneNumberId": PHONE_MAIN,
                "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara"]}}
# The discard port on loopback: events sent to it fail and are recorded, and nothing leaves the machine.
WEBHOOK_EXAMPLE = {"callbackUrl": "http://127.0.0.1:9/qlara/delivery-status"}

API = ApiDescription(
    title="Qlara partner gateway (Agile Telecom), WhatsApp, as emulated by wa-emulator",
    source="https://agiletelecom.com/documentation/qlara/",
    folder="qlara",
    operations=(
        Operation("post", "/message-server/whatsapp/send", "sendWhatsapp", "Send a WhatsApp template or text",
                  handlers.send_whatsapp, request="send-request", responses={200: "send-response"},
                  example=SEND_EXAMPLE, errors=(403, 409)),
        Operation("get", "/message-server/whatsapp/templates", "listWhatsappTemplates",
                  "The account's WhatsApp templates, by status and phone number", templates.list_templates,
                  responses={200: "template-list"}, query=("status", "phoneNumberId", "limit"), errors=(400,),
                  query_schemas={"status": {"type": "string", "enum": ["APPROVED", "PENDING", "REJECTED", "PAUSED",
                                                                     "DISABLED"]},
                                 "phoneNumberId": {"type": "integer", "minimum": 0},
                                 "limit": {"type": "integer", "minimum": 1, "maximum": templates.MAX_LIMIT}}),
        Operation("get", "/message-server/whatsapp/phone-numbers", "listWhatsappPhoneNumbers",
                  "The account's WhatsApp sender numbers", templates.list_phone_numbers,
                  responses={200: "phone-number-list"}),
        Operation("get", "/partner-gateway/v1/messages/status", "getStatuses",
                  "Statuses of several messages by customerMessageId", handlers.get_statuses,
                  responses={200: "status-batch"}, query=("ids", "customerMessageIds", "channel"), errors=(400, 414),
                  query_schemas=_CHANNEL),
        Operation("get", "/partner-gateway/v1/messages/status/{customerMessageId}", "getStatus",
                  "Status of one message by customerMessageId", handlers.get_status, responses={200: "status"},
                  query=("channel",), errors=(400,), query_schemas=_CHANNEL, required_query=("channel",)),
        Operation("get", "/partner-gateway/v1/whatsapp/messages/{messageId}/status", "getWhatsappStatus",
                  "Status of one WhatsApp message by messageId", handlers.get_whatsapp_status,
                  responses={200: "status"}),
        Operation("get", "/files/{mediaKey}", "downloadFile", "The file of an inbound media message, by mediaKey",
                  inbound.download_file, responses={200: None}, media_type="application/octet-stream"),
        Operation("post", _WEBHOOK, "createWebhook", "Configure the account's delivery-status webhook",
                  handlers.create_webhook, request="webhook-request", responses={201: "webhook"},
                  example=WEBHOOK_EXAMPLE),
        Operation("get", _WEBHOOK, "getWebhook", "Read the delivery-status webhook", handlers.get_webhook,
                  responses={200: "webhook"}),
        Operation("put", _WEBHOOK, "updateWebhook", "Change the delivery-status webhook's URL", handlers.update_webhook,
                  request="webhook-request", responses={200: "webhook"}, example=WEBHOOK_EXAMPLE),
        Operation("delete", _WEBHOOK, "deleteWebhook", "Remove the delivery-status webhook", handlers.delete_webhook,
                  responses={204: None}),
    ),
    error_by_status={429: "rate-limit-error"},
    security_schemes={
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
        "basic": {"type": "http", "scheme": "basic"},
    },
    webhooks={"DELIVERY": "event-delivery", "READ": "event-read",
              "INBOUND": ("event-inbound", "event-inbound-content")},
    sandbox_headers={"X-Api-Key": KEY_PRODUCTION},
    admission_errors=(401, 403, 429),  # 403: the caller's address is not on the account's allow-list
)
