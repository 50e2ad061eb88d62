"""Wazapin's record and status view, encoded as the server encodes them: every field, value and null,
in the order of the send-a-message response schema."""

import json
from typing import Any

from wa_emulator import contracts
from wa_emulator.core.models import INBOUND, Message, Payload
from wa_emulator.core.status import Status
from wa_emulator.providers.wazapin.render import record, status_view
from wa_emulator.web.http import dumps

CREATED = 1_700_000_000.25  # a fraction of a second, so the milliseconds show
MESSAGE_ID = "0b7c1b6e-3c8e-4f7e-9a55-6d2f0b2d4c11"
TEXT = "Halo \"é\" \u2028"  # text JSON must escape, and a line separator it need not

# https://docsx.wazapin.com/api-reference/messages/send-a-message lists the record's fields in this order.
RECORD_FIELDS = [
    "id", "organization_id", "channel_id", "conversation_id", "direction", "type", "content", "metadata", "status",
    "to_phone", "sender_phone", "sent_by", "sent_via", "provider_message_id", "external_message_id", "error",
    "error_code", "retry_count", "max_retries", "created_at", "queued_at", "sending_at", "sent_at", "delivered_at",
    "read_at", "failed_at", "updated_at", "reply_preview",
]
STATUS_FIELDS = ["id", "status", "provider_message_id", "error", "error_code", "queued_at", "sent_at", "delivered_at",
                 "read_at", "failed_at", "updated_at"]

READ_RECORD = {
    "id": MESSAGE_ID, "organization_id": "org_acme", "channel_id": "wzp_ch_1", "conversation_id": "c-1",
    "direction": "outbound", "type": "text", "content": {"text": TEXT}, "metadata": {}, "status": "read",
    "to_phone": "6281234567890", "sender_phone": "6281100000001", "sent_by": "api", "sent_via": "api",
    "provider_message_id": None, "external_message_id": None, "error": None, "error_code": None, "retry_count": 0,
    "max_retries": 3, "created_at": "2023-11-14T22:13:20.250Z", "queued_at": "2023-11-14T22:13:20.250Z",
    "sending_at": "2023-11-14T22:13:21.000Z", "sent_at": "2023-11-14T22:13:21.000Z",
    "delivered_at": "2023-11-14T22:13:23.000Z", "read_at": "2023-11-14T22:13:30.000Z", "failed_at": None,
    "updated_at": "2023-11-14T22:13:30.000Z", "reply_preview": None,
}


def outbound(*steps: tuple[Status, float], error: int | None = None) -> Message:
    """An outbound message that went through ``steps``."""
    message = Message(MESSAGE_ID, "wazapin", "org_acme", "wzp_ch_1", "+6281100000001", "+6281234567890", "text",
                      CREATED, content=Payload.of({"text": TEXT}), conversation_id="c-1")
    for status, at in steps:
        message.status = status
        message.history.record(status, at)
    message.error = error
    return message


def encoded(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` as a client reads it: through the server's one encoder, then parsed."""
    return json.loads(dumps(body))


def checked_record(message: Message) -> dict[str, Any]:
    body = encoded(record(message))
    contracts.validate("wazapin", "message", {"data": body})
    assert list(body) == RECORD_FIELDS
    return body


def checked_status_view(message: Message) -> dict[str, Any]:
    body = encoded(status_view(message))
    contracts.validate("wazapin", "message-status", {"data": body})
    assert list(body) == STATUS_FIELDS
    return body


READ = ((Status.SENT, 1_700_000_001.0), (Status.DELIVERED, 1_700_000_003.0), (Status.READ, 1_700_000_010.0))


def test_a_read_message_record_and_status_view() -> None:
    assert checked_record(outbound(*READ)) == READ_RECORD
    assert checked_status_view(outbound(*READ)) == {
        "id": MESSAGE_ID, "status": "read", "provider_message_id": None, "error": None, "error_code": None,
        "queued_at": "2023-11-14T22:13:20.250Z", "sent_at": "2023-11-14T22:13:21.000Z",
        "delivered_at": "2023-11-14T22:13:23.000Z", "read_at": "2023-11-14T22:13:30.000Z", "failed_at": None,
        "updated_at": "2023-11-14T22:13:30.000Z",
    }


def test_a_failed_record_and_an_expired_status_view() -> None:
    assert checked_record(outbound((Status.FAILED, 1_700_000_002.0), error=131047)) == {
        **READ_RECORD,
        "status": "failed",
        "error": "Re-engagement message: More than 24 hours have passed since the recipient last replied; "
                 "send a template instead.",
        "error_code": "131047",
        "sending_at": None, "sent_at": None, "delivered_at": None, "read_at": None,
        "failed_at": "2023-11-14T22:13:22.000Z", "updated_at": "2023-11-14T22:13:22.000Z",
    }
    expired = outbound((Status.SENT, 1_700_000_001.0), (Status.EXPIRED, 1_700_086_400.0))
    assert checked_status_view(expired) == {
        "id": MESSAGE_ID, "status": "failed", "provider_message_id": None,
        "error": "Message expired: it was not delivered before its time-to-live ran out.",
        "error_code": "message_expired", "queued_at": "2023-11-14T22:13:20.250Z",
        "sent_at": "2023-11-14T22:13:21.000Z", "delivered_at": None, "read_at": None,
        "failed_at": "2023-11-15T22:13:20.000Z", "updated_at": "2023-11-15T22:13:20.000Z",
    }


def test_an_inbound_record() -> None:
    inbound = Message("i-1", "wazapin", "org_acme", "wzp_ch_1", "+6281234567890", "+6281100000001", "text",
                      1_700_000_000.0, direction=INBOUND)
    assert checked_record(inbound) == {
        "id": "i-1", "organization_id": "org_acme", "channel_id": "wzp_ch_1", "conversation_id": None,
        "direction": "inbound", "type": "text", "content": None, "metadata": {}, "status": "received",
        "to_phone": "6281100000001", "sender_phone": "6281234567890", "sent_by": None, "sent_via": "whatsapp",
        "provider_message_id": None, "external_message_id": None, "error": None, "error_code": None,
        "retry_count": 0, "max_retries": 3, "created_at": "2023-11-14T22:13:20.000Z", "queued_at": None,
        "sending_at": None, "sent_at": None, "delivered_at": None, "read_at": None, "failed_at": None,
        "updated_at": "2023-11-14T22:13:20.000Z", "reply_preview": None,
    }
