"""POST /message-server/whatsapp/send: the answer, custom ids, simulation and validation."""

import pytest

from wa_emulator import contracts
from wa_emulator.providers.qlara import sandbox
from wa_emulator.providers.qlara.operations import API

from .conftest import CUSTOMER, TEMPLATE, TEXT, open_window


async def test_a_template_send_answers_with_a_uuid_message_id_and_a_whatsapp_result(qlara, emu):
    contracts.validate("qlara", "send-request", TEMPLATE)
    answer = await qlara.send()
    assert answer.status == 200
    assert answer.body["simulation"] is False
    assert answer.body["results"] == {"whatsapp": {"accepted": True, "reasons": []}}
    message_id = answer.body["messageId"]
    assert len(message_id) == 36 and message_id.count("-") == 4
    [message] = [m for m in emu.world.store if m.provider == "qlara"]
    assert message.custom_id == message_id and message.to == CUSTOMER
    assert message.sender == sandbox.SENDER_MAIN and message.template == "order_shipped"


async def test_a_custom_message_id_is_echoed_and_finds_the_message(qlara, emu):
    answer = await qlara.send({**TEMPLATE, "messageId": "order-42-shipped", "campaignId": "autumn"})
    assert answer.status == 200 and answer.body["messageId"] == "order-42-shipped"
    message = emu.world.store.by_custom_id("qlara", sandbox.ORG_PRODUCTION, "order-42-shipped")
    assert message is not None and message.extra["campaignId"] == "autumn"
    assert (await qlara.status("order-42-shipped")).body["customerMessageId"] == "order-42-shipped"


async def test_a_custom_message_id_cannot_be_used_twice_by_one_account(qlara):
    assert (await qlara.send({**TEMPLATE, "messageId": "once"})).status == 200
    again = await qlara.send({**TEMPLATE, "messageId": "once"})
    assert again.status == 409 and "once" in again.body["message"]
    other_account = await qlara.send({**TEMPLATE, "phoneNumberId": sandbox.PHONE_TRIAL, "messageId": "once"},
                                     key=sandbox.KEY_TRIAL)
    assert other_account.status == 200, "custom ids are scoped to the account"


async def test_free_form_text_takes_the_body_object_or_the_older_plain_string(qlara):
    open_window(qlara.emu)
    assert (await qlara.send(TEXT)).status == 200
    assert (await qlara.send({**TEXT, "body": "plain string, as the older page shows"})).status == 200


async def test_simulation_validates_and_answers_but_creates_nothing(qlara, emu):
    answer = await qlara.send({**TEMPLATE, "simulation": True, "messageId": "dry-run"})
    assert answer.status == 200
    assert answer.body == {"messageId": "dry-run", "simulation": True,
                           "results": {"whatsapp": {"accepted": True, "reasons": []}}}
    assert [m for m in emu.world.store if m.provider == "qlara"] == []
    assert (await qlara.status("dry-run")).status == 404
    generated = await qlara.send({**TEMPLATE, "simulation": True})
    assert len(generated.body["messageId"]) == 36
    invalid = await qlara.send({**TEMPLATE, "simulation": True, "destination": "393401234567"})
    assert invalid.status == 400, "simulation still validates"
    assert (await qlara.send({**TEMPLATE, "messageId": "dry-run"})).status == 200, "the simulated id stays free"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"destination": None}, "destination"),
        ({"destination": "393401234567"}, "destination"),
        ({"destination": "+39 340 123"}, "destination"),
        ({"phoneNumberId": None}, "phoneNumberId"),
        ({"phoneNumberId": "5"}, "phoneNumberId"),
        ({"phoneNumberId": True}, "phoneNumberId"),
        ({"template": None}, "body"),
        ({"body": {"text": "both"}}, "template"),
        ({"template": "order_shipped"}, "template"),
        ({"template": {"language": "it"}}, "template.name"),
        ({"template": {"name": "order_shipped", "language": "Italian"}}, "template.language"),
        ({"template": {"name": "order_shipped", "language": "it", "parameters": "Sara"}}, "template.parameters"),
        ({"campaignId": "c" * 256}, "campaignId"),
        ({"messageId": ""}, "messageId"),
        ({"messageId": 42}, "messageId"),
        ({"simulation": "yes"}, "simulation"),
        ({"fallbackRcs": {"templateId": "rcs-1"}}, "fallbackSms"),
        ({"fallbackSms": "yes"}, "fallbackSms"),
    ],
)
async def test_invalid_fields_get_400_naming_the_field(qlara, emu, change, field):
    body = {key: value for key, value in {**TEMPLATE, **change}.items() if value is not None}
    answer = await qlara.send(body)
    assert answer.status == 400, answer.body
    assert answer.body["field"] == field
    assert answer.body["error"] == "Bad Request" and answer.body["path"] == "/qlara/api/message-server/whatsapp/send"
    assert [m for m in emu.world.store if m.provider == "qlara"] == []


async def test_a_refusal_never_points_at_an_endpoint_the_emulator_lacks(qlara):
    answer = await qlara.send({**TEMPLATE, "phoneNumberId": "5"})
    assert answer.status == 400 and "phone-numbers" not in answer.body["message"]
    assert "integer" in answer.body["message"]


async def test_free_form_text_must_have_text(qlara):
    for body in ({"text": ""}, {"text": 7}, {}, "", "x" * 4097):
        answer = await qlara.send({**TEXT, "body": body})
        assert answer.status == 400 and answer.body["field"] == "body.text", body


async def test_fallbacks_are_accepted_when_sms_backs_rcs_and_their_fields_are_checked(qlara):
    sms = {"sender": "TechStore", "body": "hi"}
    answer = await qlara.send({**TEMPLATE, "fallbackRcs": {"agentId": sandbox.RCS_AGENT_MAIN, "templateId": 1},
                               "fallbackSms": sms})
    assert answer.status == 200
    assert (await qlara.send({**TEMPLATE, "fallbackSms": sms})).status == 200
    assert (await qlara.send({**TEMPLATE, "fallbackSms": True, "fallbackRcs": True})).status == 200, "older page"
    missing = await qlara.send({**TEMPLATE, "fallbackRcs": {"templateId": 1}, "fallbackSms": sms})
    assert (missing.status, missing.body["field"]) == (400, "fallbackRcs.agentId")
    no_sender = await qlara.send({**TEMPLATE, "fallbackSms": {"body": "hi"}})
    assert (no_sender.status, no_sender.body["field"]) == (400, "fallbackSms.sender")


async def test_a_phone_number_of_another_account_or_none_at_all_is_refused(qlara):
    for phone_number_id in (sandbox.PHONE_TRIAL, 999):
        answer = await qlara.send({**TEMPLATE, "phoneNumberId": phone_number_id})
        assert answer.status == 403, answer.body
        assert str(phone_number_id) in answer.body["message"]


async def test_the_operations_example_bodies_are_accepted(qlara):
    # The OpenAPI document shows these bodies and the benchmarks send them, so each must work as it stands.
    send = API.operation("sendWhatsapp")
    answer = await qlara.call("POST", send.path, json=dict(send.example))
    assert answer.status == 200, answer.body
    for operation_id, status in (("createWebhook", 201), ("updateWebhook", 200)):
        operation = API.operation(operation_id)
        answer = await qlara.call(operation.method.upper(), operation.path, json=dict(operation.example))
        assert answer.status == status, answer.body
