"""Qlara's operations: the one table that routes its requests and builds its OpenAPI document.

Paths are relative to the base URL (``https://lora-api.agiletelecom.com/api``; ``/qlara/api`` here). Sources:
https://agiletelecom.com/documentation/qlara/guides/whatsapp,
https://agiletelecom.com/documentation/qlara/it/api/get-single-status,
https://agiletelecom.com/documentation/qlara/api/message-delivery-status,
https://agiletelecom.com/documentation/qlara/guides/webhooks,
https://agiletelecom.com/documentation/qlara/guides/sms-universal, https://agiletelecom.com/documentation/qlara/guides/rcs,
https://agiletelecom.com/documentation/qlara/it/api/get-history, https://agiletelecom.com/documentation/qlara/it/api/export-history,
https://agiletelecom.com/documentation/qlara/api/add-contact, https://agiletelecom.com/documentation/qlara/it/api/find-contact.
"""

from __future__ import annotations

from ...web.operations import ApiDescription, Operation, WebhookRegistration
from . import contacts, handlers, history, inbound, rcs, sms, templates
from .sandbox import KEY_PRODUCTION, PHONE_MAIN, RCS_AGENT_MAIN

_WEBHOOK = "/partner-gateway/v1/webhooks/delivery-status"
_CHANNEL = {"channel": {"type": "string", "enum": ["SMS", "RCS", "WHATSAPP"]}}

# Valid requests for the sandbox's production account (the OpenAPI document shows them; benchmarks send them).
SEND_EXAMPLE = {"destination": "+393401234567", "phoneNumberId": PHONE_MAIN,
                "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara"]}}
SMS_EXAMPLE = {"destination": "+393471234567", "sender": "TechStore", "body": "Ciao {name}, ordine confermato!",
               "placeholders": {"name": "Marco"}}
RCS_EXAMPLE = {"destination": "+393401234567", "agentId": RCS_AGENT_MAIN, "body": {"type": "TEXT", "text": "Ciao!"},
               "fallbackSms": {"sender": "TechStore", "body": "Ciao!"}}
EXPORT_EXAMPLE = {"startDateTime": "2025-01-01T00:00:00+01:00", "endDateTime": "2025-01-31T23:59:59+01:00"}
CONTACT_EXAMPLE = {"phoneNumber": "+393331234567", "firstName": "Mario", "lastName": "Rossi"}
_CONTACT = "/partner-gateway/v1/contacts/{contactId}"
_PAGE = {"page": {"type": "integer", "minimum": 0, "maximum": 1_000_000}}
# The discard port on loopback: events sent to it fail and are recorded, and nothing leaves the machine.
WEBHOOK_EXAMPLE = {"callbackUrl": "http://127.0.0.1:9/qlara/delivery-status"}

API = ApiDescription(
    title="Qlara partner gateway (Agile Telecom), WhatsApp, SMS and RCS, as emulated by wa-emulator",
    source="https://agiletelecom.com/documentation/qlara/",
    folder="qlara",
    operations=(
        Operation("post", "/message-server/whatsapp/send", "sendWhatsapp", "Send a WhatsApp template or text",
                  handlers.send_whatsapp, request="send-request", responses={200: "send-response"},
                  example=SEND_EXAMPLE, errors=(403, 409)),
        Operation("post", "/message-server/sms/send", "sendSms", "Send one SMS (SMS Universal)", sms.send_sms,
                  request="sms-send-request", responses={200: "sms-send-response"}, example=SMS_EXAMPLE,
                  errors=(409,)),
        Operation("post", "/message-server/rcs/send", "sendRcs", "Send one RCS message", rcs.send_rcs,
                  request="rcs-send-request", responses={200: "rcs-send-response"}, example=RCS_EXAMPLE,
                  errors=(403, 409)),
        Operation("get", "/message-server/whatsapp/templates", "listWhatsappTemplates",
                  "The account's WhatsApp templates, by status and phone number", templates.list_templates,
                  responses={200: "template-list"}, query=("status", "phoneNumberId", "limit"), errors=(400,),
                  query_schemas={"status": {"type": "string", "enum": list(templates.STATUSES)},
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
        Operation("get", "/partner-gateway/v1/rcs/messages/{rcsMessageId}/status", "getRcsStatus",
                  "Status of one RCS message by messageId", handlers.get_rcs_status, responses={200: "status"}),
        Operation("get", "/partner-gateway/v1/messages/history", "getHistory",
                  "Sent messages of one channel in a date range, a page at a time", history.get_history,
                  responses={200: "status-batch"}, query=("channel", "from", "to", "status", "page", "limit"),
                  required_query=("channel", "from", "to"), errors=(400,),
                  query_schemas={**_CHANNEL, **_PAGE, "status": {"type": "string", "enum": list(history.WORDS)},
                                 "limit": {"type": "integer", "minimum": 1, "maximum": history.MAX_LIMIT},
                                 "from": {"type": "string", "format": "date-time"},
                                 "to": {"type": "string", "format": "date-time"}}),
        Operation("post", "/partner-gateway/v1/messages/history/export", "exportHistory",
                  "Queue a CSV export of the history (every channel)", history.export_history,
                  request="export-request", responses={202: "export-job"}, example=EXPORT_EXAMPLE),
        Operation("get", "/partner-gateway/v1/exports", "listExports", "The account's history exports",
                  history.list_exports, responses={200: "export-list"}),
        Operation("get", "/partner-gateway/v1/contacts", "findContacts", "Search the account's contacts",
                  contacts.find_contacts, responses={200: "contact-list"},
                  query=("search", "phoneNumber", "email", "page", "limit", "sortBy", "sortOrder"), errors=(400,),
                  query_schemas={**_PAGE, "limit": {"type": "integer", "minimum": 1, "maximum": contacts.MAX_LIMIT},
                                 "sortBy": {"type": "string", "enum": list(contacts.SORT_FIELDS)},
                                 "sortOrder": {"type": "string", "enum": ["asc", "desc"]}}),
        Operation("post", "/partner-gateway/v1/contacts", "addContact", "Create a contact", contacts.create_contact,
                  request="contact-request", responses={201: "contact"}, example=CONTACT_EXAMPLE),
        Operation("get", _CONTACT, "getContact", "One contact", contacts.get_contact, responses={200: "contact"},
                  errors=(404,)),
        Operation("put", _CONTACT, "updateContact", "Replace a contact's fields", contacts.update_contact,
                  request="contact-request", responses={200: "contact"}, example=CONTACT_EXAMPLE, errors=(404,)),
        Operation("delete", _CONTACT, "deleteContact", "Delete a contact", contacts.delete_contact,
                  responses={204: None}, errors=(404,)),
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
    first_request="sendWhatsapp",
    webhook_registration=WebhookRegistration("createWebhook", "callbackUrl"),
    admission_errors=(401, 403, 429),  # 403: the caller's address is not on the account's allow-list
)
