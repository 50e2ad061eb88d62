"""Authentication, organization context, permissions, rate limits and error envelopes."""

import pytest

from tests.support.rawbody import stream
from wa_emulator.providers.wazapin import sandbox

from .conftest import TEXT, WEBHOOKS


async def test_health_needs_no_key(wazapin):
    answer = await wazapin.call("GET", "/v1/health", key="")
    assert answer.status == 200 and answer.body == {"status": "ok"}


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "invalid or missing API key"),
        ({"X-Api-Key": "sk_live_123"}, "start with wzp_"),
        ({"X-Api-Key": "wzp_unknown"}, "invalid or missing API key"),
        ({"Authorization": "Basic d3pwXzE6"}, "invalid or missing API key"),
        ({"X-Api-Key": sandbox.KEY_REVOKED}, "revoked"),
        ({"X-Api-Key": "mk_live_SandboxAcmeFullScope01_60f53fc0cf"}, "start with wzp_"),
    ],
)
async def test_bad_or_missing_keys_are_401_problems(wazapin, headers, detail):
    answer = await wazapin.call("POST", "/v1/messages", key="", headers=headers, json=TEXT)
    assert answer.status == 401 and answer.body["title"] == "Unauthorized"
    assert detail in answer.body["detail"]


async def test_a_read_only_key_may_read_but_not_send_or_manage_webhooks(wazapin):
    message_id = (await wazapin.send()).body["data"]["id"]
    assert (await wazapin.get(message_id, key=sandbox.KEY_READ_ONLY)).status == 200
    answer = await wazapin.send(key=sandbox.KEY_READ_ONLY)
    assert answer.status == 403 and "messages:send" in answer.body["detail"]
    answer = await wazapin.call("GET", WEBHOOKS, key=sandbox.KEY_READ_ONLY)
    assert answer.status == 403 and "webhooks:manage" in answer.body["detail"]


async def test_organization_slug_must_match_the_keys_organization(wazapin):
    assert (await wazapin.send(headers={"X-Organization-Slug": "acme"})).status == 201
    answer = await wazapin.send(headers={"X-Organization-Slug": "globex"})
    assert answer.status == 403 and "globex" in answer.body["detail"]


async def test_unknown_routes_and_wrong_methods_get_problem_bodies(wazapin):
    answer = await wazapin.call("GET", "/v1/nothing-here", key="")
    assert answer.status == 404 and answer.body["title"] == "Not Found"
    answer = await wazapin.call("DELETE", "/v1/messages")
    assert answer.status == 405 and answer.body["title"] == "Method Not Allowed"
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1]", "application/json", 400),
        ("", "application/json", 400),
        ("to=1", "application/x-www-form-urlencoded", 415),
        ("x" * (1024 * 1024 + 10), "application/json", 413),
    ],
)
async def test_bodies_that_are_not_json_objects_are_answered_in_envelope(wazapin, data, content_type, status):
    answer = await wazapin.call("POST", "/v1/messages", data=stream(data), headers={"Content-Type": content_type})
    assert answer.status == status


async def test_rate_limit_is_100_a_minute_per_key_with_headers(wazapin, emu):
    emu.world.tenants.key(sandbox.KEY_GLOBEX).rate_limit = 3
    answers = [await wazapin.call("GET", "/v1/messages", key=sandbox.KEY_GLOBEX) for _ in range(4)]
    assert [a.status for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[3].body["title"] == "Too Many Requests" and int(answers[3].headers["Retry-After"]) >= 1
    first = await wazapin.call("GET", "/v1/messages")
    assert first.headers["X-RateLimit-Limit"] == "100", "other keys have their own budget"
    await emu.advance(60)
    assert (await wazapin.call("GET", "/v1/messages", key=sandbox.KEY_GLOBEX)).status == 200


async def test_an_injected_fault_answers_500_in_the_providers_envelope(wazapin, emu):
    emu.world.faults.add(provider="wazapin", method="POST", path="/v1/messages", status=500, times=1)
    answer = await wazapin.send()
    assert answer.status == 500 and answer.body["title"] == "Internal Server Error"
    assert (await wazapin.send()).status == 201


async def test_a_tenant_can_choose_the_older_error_shape_the_plugin_reads(wazapin):
    answer = await wazapin.send({**TEXT, "channel_id": sandbox.CHANNEL_OPENCLAW, "to": None},
                                key=sandbox.KEY_OPENCLAW)
    assert answer.status == 400
    assert answer.body["error"]["message"] == "to is required"
    assert answer.body["error"]["details"] == [{"field": "to", "reason": "required"}]
    assert answer.body["request_id"] == answer.headers["X-Request-Id"]
    # Before any key is known, the organization slug picks the shape.
    answer = await wazapin.call("POST", "/v1/messages", key="", json=TEXT,
                                headers={"X-Organization-Slug": "openclaw"})
    assert answer.status == 401 and answer.body["error"]["code"] == "unauthorized"
    answer = await wazapin.call("GET", "/v1/messages/none", key=sandbox.KEY_OPENCLAW)
    assert answer.status == 404 and answer.body["error"]["message"] == "message not found"


async def test_real_hosts_are_served_at_the_root(wazapin, http, emu):
    for host in ("api.wazapin.com", "api.wazapin.id"):
        async with http.get(emu.base_url + "/v1/health", headers={"Host": host}) as response:
            assert response.status == 200 and (await response.json()) == {"status": "ok"}


async def test_credentials_list_organizations_keys_and_channels(http, emu):
    async with http.get(emu.base_url + "/_emulator/credentials") as response:
        creds = (await response.json())["wazapin"]
    orgs = {org["slug"]: org for org in creds["organizations"]}
    assert set(orgs) == {"acme", "globex", "openclaw"}
    assert {k["secret"] for k in orgs["acme"]["keys"]} >= {sandbox.KEY_FULL, sandbox.KEY_REVOKED}
    assert all(c["id"].startswith("wzp_ch_") for org in orgs.values() for c in org["agents"])
    assert orgs["openclaw"]["error_format"] == "legacy" and orgs["openclaw"]["webhook_format"] == "envelope"


async def test_every_call_is_journaled_with_its_request_id(wazapin, http, emu):
    answer = await wazapin.send()
    async with http.get(emu.base_url + "/_emulator/journal?provider=wazapin") as response:
        [entry] = (await response.json())["data"]
    assert entry["status"] == 201 and entry["correlation_id"] == answer.headers["X-Request-Id"]
