"""Sending, reading, status polling and listing Wazapin messages."""

import json

import pytest

from wa_emulator import contracts
from wa_emulator.providers.wazapin import sandbox

from .conftest import CUSTOMER, TEMPLATE, TEXT, open_window


async def test_send_returns_201_with_the_queued_record_in_data(wazapin):
    answer = await wazapin.send()
    assert answer.status == 201
    record = answer.body["data"]
    assert record["status"] == "queued" and record["direction"] == "outbound"
    assert record["to_phone"] == CUSTOMER and record["sender_phone"] == "6281100000001"
    assert record["channel_id"] == sandbox.CHANNEL_MAIN and record["organization_id"] == sandbox.ORG_ACME
    assert record["content"] == {"text": "Halo!"} and record["provider_message_id"] is None
    assert record["queued_at"] == record["created_at"] and record["sent_at"] is None
    assert record["conversation_id"]


async def test_to_phone_is_accepted_and_numbers_are_stored_as_e164(wazapin, emu):
    body = {k: v for k, v in TEXT.items() if k != "to"} | {"to_phone": "+" + CUSTOMER}
    answer = await wazapin.send(body)
    assert answer.status == 201 and answer.body["data"]["to_phone"] == CUSTOMER
    assert emu.world.store.get(answer.body["data"]["id"]).to == "+" + CUSTOMER


async def test_bearer_and_x_api_key_both_authenticate(wazapin):
    answer = await wazapin.send(key="", headers={"Authorization": f"Bearer {sandbox.KEY_FULL}"})
    assert answer.status == 201


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("text", {"body": "content.body, as in the docs' curl"}),
        ("image", {"url": "https://example.com/a.jpg", "caption": "A"}),
        ("video", {"url": "https://example.com/a.mp4"}),
        ("audio", {"link": "https://example.com/a.ogg"}),
        ("document", {"media_url": "https://example.com/a.pdf", "filename": "a.pdf"}),
        ("sticker", {"url": "https://example.com/a.webp"}),
        ("media", {"mediaUrl": "https://example.com/a.png"}),
        ("location", {"latitude": -6.2, "longitude": 106.8, "name": "Jakarta"}),
        ("location_request", {"text": "Where are you?"}),
        ("contact", {"full_name": "Budi", "phone": "6281111111111", "organization": "Acme"}),
        ("buttons", {"text": "Pick one", "buttons": [{"id": "y", "title": "Yes"}, {"id": "n", "title": "No"}]}),
        ("list", {"text": "Menu", "button": "Open", "sections": [{"title": "S", "rows": [{"id": "1", "title": "A"}]}]}),
    ],
)
async def test_every_type_is_accepted_with_valid_content(wazapin, kind, content):
    answer = await wazapin.send({**TEXT, "type": kind, "content": content})
    assert answer.status == 201, answer.body
    assert answer.body["data"]["type"] == kind and answer.body["data"]["content"] == content


async def test_template_with_meta_components_is_accepted(wazapin):
    body = {**TEMPLATE}
    body["content"] = {"template": {**TEMPLATE["content"]["template"], "components": [
        {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://example.com/h.png"}}]},
        {"type": "button", "sub_type": "url", "index": 0, "parameters": [{"type": "text", "text": "abc"}]},
    ]}}
    answer = await wazapin.send(body)
    assert answer.status == 201 and answer.body["data"]["type"] == "template"


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ({"channel_id": None}, 400, "channel_id is required"),
        ({"to": None}, 400, "to is required"),
        ({"to": 6281234567890}, 400, "to must be a string"),
        ({"to": "+0812"}, 422, "international format"),
        ({"type": None}, 400, "type is required"),
        ({"type": "carousel"}, 422, "type must be one of"),
        ({"content": None}, 400, "content is required"),
        ({"content": "hi"}, 400, "content must be an object"),
        ({"content": {}}, 400, "content.text is required"),
        ({"content": {"text": "x" * 4097}}, 422, "at most 4096"),
        ({"type": "image", "content": {"caption": "no url"}}, 400, "content.url is required"),
        ({"type": "image", "content": {"url": "ftp://x/a.jpg"}}, 422, "http(s) URL"),
        ({"type": "location", "content": {"latitude": 91, "longitude": 0}}, 422, "between -90 and 90"),
        ({"type": "location", "content": {"latitude": "1", "longitude": 0}}, 400, "must be a number"),
        ({"type": "contact", "content": {"phone": "6281111111111"}}, 400, "content.full_name is required"),
        ({"type": "buttons", "content": {"text": "x", "buttons": []}}, 422, "1 to 3 items"),
        ({"type": "buttons", "content": {"text": "x", "buttons": [{"id": "a", "title": "T" * 21}]}}, 422, "at most 20"),
        ({"type": "list", "content": {"text": "x", "button": "Open"}}, 400, "content.sections is required"),
        ({"type": "template", "content": {"template_name": "order_update"}}, 422, "template_name is not supported"),
        ({"type": "template", "content": {"template": {"name": "order_update"}}}, 400,
         "content.template.language.code is required"),
        ({"type": "template", "content": {"template": {"name": "Bad Name", "language": {"code": "en"}}}}, 422,
         "lowercase"),
        ({"type": "template", "content": {"template": {"name": "t", "language": "en"}}}, 400, "an object"),
        ({"type": "template", "content": {"template": {"name": "t", "language": {"code": "en"},
                                                       "components": [{"type": "button", "sub_type": "url"}]}}},
         400, "components[0].index is required"),
    ],
)
async def test_invalid_sends_get_a_problem_body_naming_the_field(wazapin, change, status, detail):
    body = {**TEXT, **change}
    body = {k: v for k, v in body.items() if v is not None}
    answer = await wazapin.send(body)
    assert answer.status == status, answer.body
    assert detail in answer.body["detail"]


async def test_channel_of_another_org_is_404_and_a_disconnected_channel_is_409(wazapin):
    answer = await wazapin.send({**TEXT, "channel_id": sandbox.CHANNEL_GLOBEX})
    assert answer.status == 404 and answer.body["title"] == "Not Found"
    answer = await wazapin.send({**TEXT, "channel_id": sandbox.CHANNEL_DISCONNECTED})
    assert answer.status == 409 and "not connected" in answer.body["detail"]


async def test_the_record_follows_the_lifecycle_on_the_clock(wazapin, emu):
    open_window(emu)
    message_id = (await wazapin.send()).body["data"]["id"]
    await emu.advance(1)
    record = (await wazapin.get(message_id)).body["data"]
    assert record["status"] == "sent" and record["provider_message_id"].startswith("wamid.")
    assert record["sent_at"] and record["delivered_at"] is None
    await emu.advance(9)
    record = (await wazapin.get(message_id)).body["data"]
    assert record["status"] == "read" and record["delivered_at"] and record["read_at"]
    assert record["error"] is None and record["error_code"] is None
    status = (await wazapin.status(message_id)).body["data"]
    assert status["status"] == "read" and status["read_at"] == record["read_at"]
    assert set(status) < set(record) | {"id"}


async def test_records_carry_any_text_exactly_in_compact_json(wazapin, emu, http):
    # Quotes, backslashes, control characters, line separators and non-ASCII come back exactly,
    # in the same compact UTF-8 as every other body.
    text = 'Say "hi" \\ C:\\path\n\ttab \u2028 \x00 é 日本 😀'
    open_window(emu)
    message_id = (await wazapin.send({**TEXT, "content": {"text": text}})).body["data"]["id"]
    await emu.advance(10)
    for path in (f"/v1/messages/{message_id}", f"/v1/messages/{message_id}/status", "/v1/messages?limit=1"):
        async with http.get(emu.url("wazapin") + path, headers={"X-Api-Key": sandbox.KEY_FULL}) as response:
            raw = await response.read()
        parsed = json.loads(raw)
        assert raw == json.dumps(parsed, ensure_ascii=False, separators=(",", ":")).encode()
    record = parsed["data"][0]
    assert record["id"] == message_id and record["content"] == {"text": text} and record["status"] == "read"


async def test_free_form_outside_the_window_fails_with_error_and_error_code(wazapin, emu):
    message_id = (await wazapin.send()).body["data"]["id"]
    await emu.advance(5)
    record = (await wazapin.get(message_id)).body["data"]
    assert record["status"] == "failed" and record["failed_at"]
    assert record["error_code"] == "131047" and "24 hours" in record["error"]
    status = (await wazapin.status(message_id)).body["data"]
    assert (status["status"], status["error_code"]) == ("failed", "131047")


async def test_templates_are_exempt_from_the_window(wazapin, emu):
    message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
    await emu.advance(10)
    assert (await wazapin.get(message_id)).body["data"]["status"] == "read"


async def test_an_expired_message_reads_failed_with_an_expiry_code(wazapin, emu):
    open_window(emu)
    emu.world.contacts.update("+" + CUSTOMER, online=False)
    message_id = (await wazapin.send()).body["data"]["id"]
    await emu.advance(31 * 86400)
    record = (await wazapin.get(message_id)).body["data"]
    assert (record["status"], record["error_code"]) == ("failed", "message_expired")


async def test_unknown_and_other_orgs_messages_are_404(wazapin):
    message_id = (await wazapin.send()).body["data"]["id"]
    for path in (f"/v1/messages/{message_id}", f"/v1/messages/{message_id}/status"):
        answer = await wazapin.call("GET", path, key=sandbox.KEY_GLOBEX)
        assert answer.status == 404 and answer.body["detail"] == "message not found"
    assert (await wazapin.get("nope")).status == 404


async def test_list_is_newest_first_with_cursor_pagination_and_filters(wazapin, emu):
    ids = [(await wazapin.send()).body["data"]["id"] for _ in range(5)]
    seen, cursor = [], None
    while True:
        path = "/v1/messages?limit=2" + (f"&cursor={cursor}" if cursor else "")
        answer = await wazapin.call("GET", path)
        assert answer.status == 200
        contracts.validate("wazapin", "message-list", answer.body)
        seen += [item["id"] for item in answer.body["data"]]
        cursor = answer.body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    answer = await wazapin.call("GET", "/v1/messages", key=sandbox.KEY_GLOBEX)
    assert answer.body["data"] == [], "another organization sees none of Acme's messages"
    await emu.advance(5)
    answer = await wazapin.call("GET", "/v1/messages?status=failed")
    assert len(answer.body["data"]) == 5
    answer = await wazapin.call("GET", f"/v1/messages?channel_id={sandbox.CHANNEL_SUPPORT}")
    assert answer.body["data"] == []
    for bad in ("limit=0", "limit=101", "limit=x", "cursor=%%%", "cursor=bm9wZQ"):
        answer = await wazapin.call("GET", f"/v1/messages?{bad}")
        assert answer.status == 400, bad


async def test_inbound_messages_can_be_read_with_their_text(wazapin, http, emu):
    async with http.post(emu.base_url + "/_emulator/inbound",
                         json={"provider": "wazapin", "from": CUSTOMER, "text": "Where is my order?"}) as response:
        assert response.status == 201
        inbound_id = (await response.json())["id"]
    record = (await wazapin.get(inbound_id)).body["data"]
    assert record["direction"] == "inbound" and record["status"] == "received"
    assert record["content"] == {"text": "Where is my order?"} and record["sender_phone"] == CUSTOMER
    # The reply lands in the same conversation and is inside the 24-hour window.
    reply = (await wazapin.send()).body["data"]
    assert reply["conversation_id"] == record["conversation_id"]
    await emu.advance(10)
    assert (await wazapin.get(reply["id"])).body["data"]["status"] == "read"


async def test_an_upper_cased_message_id_names_the_same_message(wazapin):
    message_id = (await wazapin.send()).body["data"]["id"]
    assert (await wazapin.get(message_id.upper())).body["data"]["id"] == message_id
    assert (await wazapin.status(message_id.upper())).status == 200


async def test_a_conversation_id_must_be_one_of_your_conversations(wazapin):
    first = (await wazapin.send()).body["data"]
    again = await wazapin.send({**TEXT, "conversation_id": first["conversation_id"].upper()})
    assert again.status == 201 and again.body["data"]["conversation_id"] == first["conversation_id"]
    made_up = await wazapin.send({**TEXT, "conversation_id": "not-a-conversation"})
    assert made_up.status == 404 and made_up.body["detail"] == "conversation not-a-conversation not found"
    # Another organization's conversation is as unknown as a made-up one.
    globex = {**TEXT, "channel_id": sandbox.CHANNEL_GLOBEX, "conversation_id": first["conversation_id"]}
    assert (await wazapin.send(globex, key=sandbox.KEY_GLOBEX)).status == 404
