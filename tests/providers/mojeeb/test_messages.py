"""Sending and polling, as https://docs.mojeeb.app/docs/developers/whatsapp/ documents them."""

import re

from wa_emulator.providers.mojeeb import sandbox

from .conftest import TEMPLATE, TEXT, open_window

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
DOC_FIELDS = {"id", "status", "agent_id", "to", "type", "platform_message_id", "created_at", "sent_at", "failed_at"}


async def test_text_send_answers_202_with_the_documented_queued_object(mojeeb):
    answer = await mojeeb.send()
    assert answer.status == 202
    body = answer.body
    assert set(body) == DOC_FIELDS
    assert body["status"] == "queued" and body["type"] == "text"
    assert body["to"] == "+15551234567" and body["agent_id"] == sandbox.AGENT_SUPPORT
    assert body["platform_message_id"] is None and body["sent_at"] is None and body["failed_at"] is None
    assert ISO.fullmatch(body["created_at"])
    assert re.fullmatch(r"[0-9a-f-]{36}", body["id"])


async def test_template_send_answers_202_with_type_template(mojeeb):
    answer = await mojeeb.send_template()
    assert answer.status == 202
    assert answer.body["type"] == "template" and answer.body["status"] == "queued"


async def test_polling_follows_queued_sent_delivered_read_and_to_is_empty_on_get(mojeeb, emu):
    open_window(emu)
    message_id = (await mojeeb.send()).body["id"]
    seen = []
    for step in [1, 2, 7, 0]:  # the default timeline: sent at 1 s, delivered at 3 s, read at 10 s
        body = (await mojeeb.get(message_id)).body
        assert set(body) == DOC_FIELDS and body["to"] == ""
        seen.append((body["status"], body["platform_message_id"] is not None))
        await emu.advance(step)
    assert seen == [("queued", False), ("sent", True), ("delivered", True), ("read", True)]
    body = (await mojeeb.get(message_id)).body
    assert body["platform_message_id"].startswith("wamid.") and ISO.fullmatch(body["sent_at"])
    assert body["failed_at"] is None


async def test_free_form_text_outside_the_window_is_accepted_then_fails(mojeeb, emu):
    answer = await mojeeb.send()
    assert answer.status == 202
    await emu.advance(10)
    body = (await mojeeb.get(answer.body["id"])).body
    assert body["status"] == "failed" and ISO.fullmatch(body["failed_at"])
    assert body["sent_at"] is not None  # handed to Meta, then refused: sent_at stays, as documented


async def test_template_outside_the_window_is_delivered(mojeeb, emu):
    message_id = (await mojeeb.send_template()).body["id"]
    await emu.advance(10)
    assert (await mojeeb.get(message_id)).body["status"] == "read"


async def test_unknown_malformed_and_other_org_ids_are_404_message_not_found(mojeeb, emu):
    own = (await mojeeb.send_template()).body["id"]
    for message_id, key in [
        ("01c45011-d803-4eb0-a762-3228a4c392f4", None),
        ("not-a-uuid", None),
        (own, sandbox.KEY_GLOBEX),
        (own, sandbox.KEY_SALES_ONLY),
    ]:
        answer = await mojeeb.get(message_id, key=key)
        assert answer.status == 404, message_id
        error = answer.body["error"]
        assert error["type"] == "not_found_error" and error["code"] == "message_not_found"
        assert error["message"] == "No message found with the supplied id."
        assert error["correlation_id"].startswith("req_")


async def test_validation_errors_name_the_param(mojeeb):
    cases = [
        ({**TEXT, "agent_id": "abc"}, "invalid_agent_id", "agent_id"),
        ({**TEXT, "agent_id": "00000000-0000-4000-8000-000000000000"}, "invalid_agent_id", "agent_id"),
        ({**TEXT, "from": "15550100001"}, "invalid_from_phone", "from"),
        ({**TEXT, "to": "0044 20"}, "invalid_phone_number", "to"),
        ({**TEXT, "text": {"body": ""}}, "invalid_text_length", "text.body"),
        ({**TEXT, "text": {"body": "x" * 4097}}, "invalid_text_length", "text.body"),
        ({k: v for k, v in TEXT.items() if k != "to"}, "missing_required_field", "to"),
        ({**TEXT, "text": "hi"}, "invalid_field_type", "text"),
    ]
    for body, code, param in cases:
        answer = await mojeeb.send(body)
        assert answer.status == 422, body
        assert answer.body["error"]["type"] == "validation_error"
        assert (answer.body["error"]["code"], answer.body["error"]["param"]) == (code, param)
    ok = await mojeeb.send({**TEXT, "text": {"body": "x" * 4096}})
    assert ok.status == 202


async def test_from_not_on_the_agent_lists_available_phones(mojeeb):
    answer = await mojeeb.send({**TEXT, "from": "+15559999999"})
    assert answer.status == 422
    error = answer.body["error"]
    assert error["code"] == "from_phone_not_found_for_agent" and error["param"] == "from"
    assert error["available_phones"] == ["+15550100001", "+15550100002"]


async def test_template_validation(mojeeb):
    cases = [
        ({**TEMPLATE, "template": {"language": "en"}}, "missing_required_field", "template.name"),
        ({**TEMPLATE, "template": {"name": "Order Shipped!", "language": "en"}}, "invalid_template_name",
         "template.name"),
        ({**TEMPLATE, "template": {"name": "order_shipped", "language": "english"}}, "invalid_template_language",
         "template.language"),
        ({**TEMPLATE, "template": {"name": "order_shipped", "language": "en", "parameters": ["Sara"]}},
         "invalid_template_parameters", "template.parameters"),
    ]
    for body, code, param in cases:
        answer = await mojeeb.send_template(body)
        assert answer.status == 422
        assert (answer.body["error"]["code"], answer.body["error"]["param"]) == (code, param)


async def test_ids_are_uuids_whatever_their_case(mojeeb):
    # An upper-cased agent_id or message id names the same agent and message: UUIDs are case-insensitive.
    sent = await mojeeb.send_template({**TEMPLATE, "agent_id": sandbox.AGENT_SUPPORT.upper()})
    assert sent.status == 202 and sent.body["agent_id"] == sandbox.AGENT_SUPPORT
    polled = await mojeeb.get(sent.body["id"].upper())
    assert polled.status == 200 and polled.body["id"] == sent.body["id"]
    assert (await mojeeb.get(sent.body["id"].replace("-", ""))).status == 404  # only the hyphenated form
