"""Every Wazapin answer and webhook has a contract, and the bodies a client sees follow it.

Strict mode (the ``emu`` fixture) already turns a body that breaks its contract into a 500;
these tests also check each body against the contract by name, so the name a user would pick
from the docs is the one that fits.
"""

from wa_emulator import contracts
from wa_emulator.providers.wazapin import sandbox

from .conftest import TEMPLATE, WEBHOOKS, started_sink


async def test_health_follows_its_contract_without_a_key(wazapin):
    answer = await wazapin.call("GET", "/v1/health", key="")
    assert answer.status == 200
    contracts.validate("wazapin", "health", answer.body)


async def test_webhook_management_answers_follow_their_contracts(wazapin, emu, http):
    async with started_sink() as failing, started_sink() as receiver:
        failing.fail(500)
        flat = await wazapin.add_endpoint(receiver.url)
        wrapped = await wazapin.add_endpoint(receiver.url + "/envelope", payload_format="envelope")
        await wazapin.add_endpoint(failing.url, events=["message.status_update"])

        listing = await wazapin.call("GET", WEBHOOKS)
        contracts.validate("wazapin", "webhook-list", listing.body)
        assert len(listing.body["data"]["endpoints"]) == 3

        rotated = await wazapin.call("POST", f"{WEBHOOKS}/endpoints/{flat['id']}/rotate-secret")
        contracts.validate("wazapin", "webhook-secret", rotated.body)

        for endpoint in (flat, wrapped):
            tested = await wazapin.call("POST", f"{WEBHOOKS}/endpoints/{endpoint['id']}/test")
            assert tested.status == 202
            contracts.validate("wazapin", "webhook-test-response", tested.body)
        await emu.settle()
        flat_body, wrapped_body = (item.json() for item in receiver.received)
        contracts.validate("wazapin", "webhook-test-event", flat_body)
        contracts.validate("wazapin", "webhook-envelope", wrapped_body)
        assert wrapped_body["event_type"] == "webhook.test"
        contracts.validate("wazapin", "webhook-test-event", wrapped_body["data"])
        assert flat_body["organization_id"] == wrapped_body["organization_id"] == sandbox.ORG_ACME

        message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
        await emu.advance(200_000)  # past the whole retry schedule: the failing endpoint's deliveries give up
        listed = await wazapin.call("GET", f"{WEBHOOKS}/deliveries?message_id={message_id}")
        contracts.validate("wazapin", "webhook-delivery-list", listed.body)
        assert {d["state"] for d in listed.body["data"]} == {"delivered", "failed"}

        retried = await wazapin.call("POST", f"{WEBHOOKS}/deliveries/{message_id}/retry")
        assert retried.status == 202
        contracts.validate("wazapin", "webhook-retry", retried.body)
        assert retried.body["data"]["retried"] == 3  # sent, delivered and read each failed
