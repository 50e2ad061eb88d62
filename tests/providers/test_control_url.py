"""No webhook reaches the emulator's own control API: refused when registered, refused when due."""

import pytest

from tests.providers.qlara.conftest import TEMPLATE as QLARA_TEMPLATE
from tests.providers.qlara.conftest import WEBHOOKS as QLARA_WEBHOOKS
from tests.providers.wazapin.conftest import TEMPLATE as WAZAPIN_TEMPLATE
from tests.providers.wazapin.conftest import WEBHOOKS as WAZAPIN_WEBHOOKS
from wa_emulator.core.webhooks import EXHAUSTED
from wa_emulator.providers.qlara import sandbox as qlara
from wa_emulator.providers.qlara.webhooks import WEBHOOKS as QLARA_REGISTRY
from wa_emulator.providers.qlara.webhooks import Endpoint as QlaraEndpoint
from wa_emulator.providers.wazapin import sandbox as wazapin
from wa_emulator.providers.wazapin.webhooks import ENDPOINTS as WAZAPIN_REGISTRY
from wa_emulator.testing import WebhookSink

WAZAPIN = {"X-Api-Key": wazapin.KEY_FULL}
QLARA = {"X-Api-Key": qlara.KEY_PRODUCTION}


def control_urls(emu) -> list[str]:
    """The emulator's own reset, under each name a client could give it."""
    port = emu.port
    return [f"http://127.0.0.1:{port}/_emulator/reset", f"http://localhost:{port}/_emulator/reset",
            f"http://[::1]:{port}/_emulator/reset", f"http://0.0.0.0:{port}/%5Femulator/reset",
            "https://api.wazapin.com/_emulator/reset", "https://lora-api.agiletelecom.com/_emulator/reset"]


async def answer(http, method: str, url: str, headers: dict, body: dict) -> tuple[int, dict]:
    async with http.request(method, url, json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_registering_a_control_url_is_refused_by_each_provider(emu, http):
    wazapin_endpoints = emu.url("wazapin") + WAZAPIN_WEBHOOKS + "/endpoints"
    qlara_webhook = emu.url("qlara") + QLARA_WEBHOOKS
    for url in control_urls(emu):
        status, body = await answer(http, "POST", wazapin_endpoints, WAZAPIN, {"url": url})
        assert status == 422 and body["detail"].startswith("url must not point at the emulator's control API"), url
        status, body = await answer(http, "POST", qlara_webhook, QLARA, {"callbackUrl": url})
        assert status == 400 and body["field"] == "callbackUrl" and "control API" in body["message"], url
    created, endpoint = await answer(http, "POST", wazapin_endpoints, WAZAPIN, {"url": "http://127.0.0.1:9/hook"})
    assert created == 201
    changed, _ = await answer(http, "PATCH", f"{wazapin_endpoints}/{endpoint['data']['id']}", WAZAPIN,
                              {"url": control_urls(emu)[0]})
    assert changed == 422
    assert (await answer(http, "POST", qlara_webhook, QLARA, {"callbackUrl": "http://127.0.0.1:9/hook"}))[0] == 201
    assert (await answer(http, "PUT", qlara_webhook, QLARA, {"callbackUrl": control_urls(emu)[0]}))[0] == 400


async def test_a_due_webhook_aimed_at_the_control_api_is_refused_and_the_world_survives(emu, http):
    reset = f"http://127.0.0.1:{emu.port}/_emulator/reset"
    async with WebhookSink() as sink:
        _, endpoint = await answer(http, "POST", emu.url("wazapin") + WAZAPIN_WEBHOOKS + "/endpoints", WAZAPIN,
                                   {"url": sink.url})
        assert (await answer(http, "POST", emu.url("qlara") + QLARA_WEBHOOKS, QLARA, {"callbackUrl": sink.url}))[0]
        # A URL that came in by another way than the providers' APIs (as a stored one could).
        world = emu.world
        world.state(WAZAPIN_REGISTRY).get(wazapin.ORG_ACME, endpoint["data"]["id"]).change({"url": reset},
                                                                                          world.clock.now())
        old = world.state(QLARA_REGISTRY).of(qlara.ORG_PRODUCTION)
        world.state(QLARA_REGISTRY).put(qlara.ORG_PRODUCTION, QlaraEndpoint(old.id, reset, old.created_at))
        assert (await answer(http, "POST", emu.url("wazapin") + "/v1/messages", WAZAPIN, WAZAPIN_TEMPLATE))[0] == 201
        assert (await answer(http, "POST", emu.url("qlara") + "/message-server/whatsapp/send", QLARA,
                             QLARA_TEMPLATE))[0] == 200
        await emu.advance(3600)
        assert sink.received == []
    assert {m["provider"] for m in emu.messages()} == {"wazapin", "qlara"}, "nothing was reset"
    deliveries = emu.deliveries()
    assert {d["provider"] for d in deliveries} == {"wazapin", "qlara"}
    for delivery in deliveries:
        assert delivery["state"] == EXHAUSTED and delivery["url"] == reset
        [attempt] = delivery["attempts"]
        assert attempt["status_code"] is None
        assert attempt["error"] == (f"not attempted: {reset} is the emulator's control API (/_emulator/), "
                                    "which never receives webhooks")


@pytest.mark.parametrize("path", ["/_emulator/reset", "/_emulator/messages"])
async def test_a_request_carrying_the_webhook_user_agent_is_refused_by_the_control_api(emu, http, path):
    # The last line of defence, for an alias no URL check can know (another name of this host).
    async with http.post(emu.base_url + path, headers={"User-Agent": "wa-emulator-webhooks"}) as response:
        assert response.status == 403
        assert (await response.json())["error"]["code"] == "webhook_refused"
