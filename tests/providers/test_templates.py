"""Each provider checks template sends against the organization's registry, in its own way."""

import aiohttp
import pytest

from wa_emulator.providers.mojeeb import sandbox as mojeeb
from wa_emulator.providers.qlara import sandbox as qlara
from wa_emulator.providers.wazapin import sandbox as wazapin
from wa_emulator.scenario.errors import ScenarioError
from wa_emulator.scenario.loader import load_text
from wa_emulator.testing.emulator import Emulator


@pytest.fixture
async def emu():
    async with Emulator() as running:
        yield running


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


async def mojeeb_send(http, emu, template):
    body = {"agent_id": mojeeb.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567", "template": template}
    async with http.post(emu.url("mojeeb") + "/v1/whatsapp/templates", json=body,
                         headers={"Authorization": f"Bearer {mojeeb.KEY_FULL}"}) as answer:
        return answer.status, await answer.json()


@pytest.mark.parametrize(("template", "code"), [
    ({"name": "ordr_shiped_typo", "language": "en"}, 132001),
    ({"name": "order_shipped", "language": "ar"}, 132001),
    ({"name": "promo_pending", "language": "en"}, 132001),
    ({"name": "promo_paused", "language": "en"}, 132015),
    ({"name": "order_tracking", "language": "en", "parameters": {"customer_name": "Sara"}}, 132000),
    ({"name": "order_receipt", "language": "en", "parameters": {"customer_name": "Sara"},
      "buttons": [{"index": 0, "parameters": {"order_id": "A1"}}]}, 132012),
    ({"name": "order_receipt", "language": "en", "parameters": {"customer_name": "Sara"},
      "header_media_url": "https://example.com/r.pdf", "buttons": [{"index": 0, "parameters": {"order_id": "A1"}}]},
     None),
])
async def test_mojeeb_accepts_then_fails_a_template_meta_refuses(http, emu, template, code):
    status, body = await mojeeb_send(http, emu, template)
    assert status == 202 and body["status"] == "queued"
    await emu.advance(20)
    message = emu.message(body["id"])
    if code is None:
        assert message["status"] == "read"
    else:
        assert emu.history(body["id"]) == ["queued", "failed"] and message["error"]["code"] == code


async def test_mojeeb_refuses_a_malformed_header_media_url_naming_it(http, emu):
    status, body = await mojeeb_send(http, emu, {"name": "order_receipt", "language": "en",
                                                 "header_media_url": "http://insecure"})
    assert status == 422 and body["error"]["param"] == "header_media_url"


async def test_wazapin_refuses_an_unknown_template_at_once_and_lists_them(http, emu):
    headers = {"X-Api-Key": wazapin.KEY_FULL}
    body = {"channel_id": wazapin.CHANNEL_MAIN, "to": "6281234567890", "type": "template",
            "content": {"template": {"name": "ordr_shiped_typo", "language": {"code": "en_US"}}}}
    async with http.post(emu.url("wazapin") + "/v1/messages", json=body, headers=headers) as answer:
        assert answer.status == 422 and "not found" in (await answer.json())["detail"]
    async with http.get(emu.url("wazapin") + "/v1/templates?status=paused", headers=headers) as answer:
        assert [t["name"] for t in (await answer.json())["data"]] == ["promo_paused"]


async def test_qlara_ends_a_wrong_parameter_count_in_error_and_lists_by_status(http, emu):
    headers = {"X-Api-Key": qlara.KEY_PRODUCTION}
    body = {"destination": "+393401234567", "phoneNumberId": qlara.PHONE_MAIN,
            "template": {"name": "order_shipped", "language": "it", "parameters": []}}
    async with http.post(emu.url("qlara") + "/message-server/whatsapp/send", json=body, headers=headers) as answer:
        customer_id = (await answer.json())["messageId"]
    await emu.advance(5)
    path = f"/partner-gateway/v1/messages/status/{customer_id}?channel=WHATSAPP"
    async with http.get(emu.url("qlara") + path, headers=headers) as answer:
        status = await answer.json()
    assert status["deliveryStatus"] == "ERROR" and status["errorCode"] == 132000
    url = emu.url("qlara") + "/message-server/whatsapp/templates?status=REJECTED&phoneNumberId=5"
    async with http.get(url, headers=headers) as answer:
        assert [t["name"] for t in (await answer.json())["data"]] == ["promo_rejected"]


async def test_a_template_added_through_the_control_api_can_be_sent_and_removed(http, emu):
    url = emu.base_url + "/_emulator/templates"
    spec = {"org": mojeeb.ORG_ACME, "name": "payment_due", "language": "en",
            "components": [{"type": "BODY", "text": "{{amount}} is due"}]}
    async with http.post(url, json=spec) as answer:
        assert answer.status == 201 and (await answer.json())["components"][0]["placeholders"] == ["amount"]
    async with http.post(url, json={**spec, "colour": "red"}) as answer:
        assert answer.status == 422 and (await answer.json())["error"]["field"] == "colour"
    _, sent = await mojeeb_send(http, emu, {"name": "payment_due", "language": "en", "parameters": {"amount": "5"}})
    await emu.advance(20)
    assert emu.message(sent["id"])["status"] == "read"
    assert emu.remove_template(mojeeb.ORG_ACME, "payment_due") == 1
    async with http.delete(f"{url}/{mojeeb.ORG_ACME}/payment_due") as answer:
        assert answer.status == 404


def test_a_bad_template_in_a_scenario_names_file_line_and_field():
    text = ("version: 1\nname: t\ntenants:\n  mojeeb:\n    - id: x\n      templates:\n"
            "        - {name: a, language: en, components: [{type: BODY, text: hi}, {type: BODY, text: again}]}\n")
    with pytest.raises(ScenarioError) as raised:
        load_text(text, "t.yaml")
    assert str(raised.value).startswith("t.yaml:7:") and "templates[0].components" in str(raised.value)
