"""Wazapin's record and status view are written as JSON text: these pin their bytes.

The expected texts are what ``dumps()`` made of the dicts the text replaced (issue 7), so a
faster way of writing them must still produce exactly these bytes.
"""

from wa_emulator.core.models import INBOUND, Message, Payload
from wa_emulator.core.status import Status
from wa_emulator.providers.wazapin.payloads import record, status_view

CREATED = 1_700_000_000.25  # a fraction of a second, so the milliseconds show


def outbound(*steps: tuple[Status, float], error: int | None = None) -> Message:
    """An outbound message (with text JSON must escape) that went through ``steps``."""
    message = Message("0b7c1b6e-3c8e-4f7e-9a55-6d2f0b2d4c11", "wazapin", "org_acme", "wzp_ch_1", "+6281100000001",
                      "+6281234567890", "text", CREATED, content=Payload.of({"text": "Halo \"é\" \u2028"}),
                      conversation_id="c-1")
    for status, at in steps:
        message.status = status
        message.history.record(status, at)
    message.error = error
    return message


READ = ((Status.SENT, 1_700_000_001.0), (Status.DELIVERED, 1_700_000_003.0), (Status.READ, 1_700_000_010.0))


def test_a_read_message_record_and_status_view_are_byte_exact() -> None:
    assert record(outbound(*READ)) == (
        '{"id":"0b7c1b6e-3c8e-4f7e-9a55-6d2f0b2d4c11","organization_id":"org_acme","channel_id":"'
        'wzp_ch_1","conversation_id":"c-1","direction":"outbound","type":"text","content":{"text"'
        ':"Halo \\"é\\" \u2028"},"metadata":{},"status":"read","to_phone":"6281234567890","sender_phone"'
        ':"6281100000001","sent_by":"api","sent_via":"api","provider_message_id":null,"external_m'
        'essage_id":null,"error":null,"error_code":null,"retry_count":0,"max_retries":3,"created_'
        'at":"2023-11-14T22:13:20.250Z","queued_at":"2023-11-14T22:13:20.250Z","sending_at":"2023'
        '-11-14T22:13:21.000Z","sent_at":"2023-11-14T22:13:21.000Z","delivered_at":"2023-11-14T22'
        ':13:23.000Z","read_at":"2023-11-14T22:13:30.000Z","failed_at":null,"updated_at":"2023-11'
        '-14T22:13:30.000Z","reply_preview":null}'
    )
    assert status_view(outbound(*READ)) == (
        '{"id":"0b7c1b6e-3c8e-4f7e-9a55-6d2f0b2d4c11","status":"read","provider_message_id":null,'
        '"error":null,"error_code":null,"queued_at":"2023-11-14T22:13:20.250Z","sent_at":"2023-11'
        '-14T22:13:21.000Z","delivered_at":"2023-11-14T22:13:23.000Z","read_at":"2023-11-14T22:13'
        ':30.000Z","failed_at":null,"updated_at":"2023-11-14T22:13:30.000Z"}'
    )


def test_a_failed_record_and_an_expired_status_view_are_byte_exact() -> None:
    assert record(outbound((Status.FAILED, 1_700_000_002.0), error=131047)) == (
        '{"id":"0b7c1b6e-3c8e-4f7e-9a55-6d2f0b2d4c11","organization_id":"org_acme","channel_id":"'
        'wzp_ch_1","conversation_id":"c-1","direction":"outbound","type":"text","content":{"text"'
        ':"Halo \\"é\\" \u2028"},"metadata":{},"status":"failed","to_phone":"6281234567890","sender_phon'
        'e":"6281100000001","sent_by":"api","sent_via":"api","provider_message_id":null,"external'
        '_message_id":null,"error":"Re-engagement message: More than 24 hours have passed since t'
        'he recipient last replied; send a template instead.","error_code":"131047","retry_count"'
        ':0,"max_retries":3,"created_at":"2023-11-14T22:13:20.250Z","queued_at":"2023-11-14T22:13'
        ':20.250Z","sending_at":null,"sent_at":null,"delivered_at":null,"read_at":null,"failed_at'
        '":"2023-11-14T22:13:22.000Z","updated_at":"2023-11-14T22:13:22.000Z","reply_preview":nul'
        'l}'
    )
    expired = outbound((Status.SENT, 1_700_000_001.0), (Status.EXPIRED, 1_700_086_400.0))
    assert status_view(expired) == (
        '{"id":"0b7c1b6e-3c8e-4f7e-9a55-6d2f0b2d4c11","status":"failed","provider_message_id":nul'
        'l,"error":"Message expired: it was not delivered before its time-to-live ran out.","erro'
        'r_code":"message_expired","queued_at":"2023-11-14T22:13:20.250Z","sent_at":"2023-11-14T2'
        '2:13:21.000Z","delivered_at":null,"read_at":null,"failed_at":"2023-11-15T22:13:20.000Z",'
        '"updated_at":"2023-11-15T22:13:20.000Z"}'
    )


def test_an_inbound_record_is_byte_exact() -> None:
    inbound = Message("i-1", "wazapin", "org_acme", "wzp_ch_1", "+6281234567890", "+6281100000001", "text",
                      1_700_000_000.0, direction=INBOUND)
    assert record(inbound) == (
        '{"id":"i-1","organization_id":"org_acme","channel_id":"wzp_ch_1","conversation_id":null,'
        '"direction":"inbound","type":"text","content":null,"metadata":{},"status":"received","to'
        '_phone":"6281100000001","sender_phone":"6281234567890","sent_by":null,"sent_via":"whatsa'
        'pp","provider_message_id":null,"external_message_id":null,"error":null,"error_code":null'
        ',"retry_count":0,"max_retries":3,"created_at":"2023-11-14T22:13:20.000Z","queued_at":nul'
        'l,"sending_at":null,"sent_at":null,"delivered_at":null,"read_at":null,"failed_at":null,"'
        'updated_at":"2023-11-14T22:13:20.000Z","reply_preview":null}'
    )
