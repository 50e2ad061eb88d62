"""Authentication, IP allowlists, rate limits, error shapes, real hosts and faults."""

from tests.support.rawbody import stream
from wa_emulator import contracts
from wa_emulator.providers.qlara import sandbox

from .conftest import TEMPLATE, basic

STATUS = "/partner-gateway/v1/messages/status/nope"


async def test_an_api_key_or_basic_credentials_are_required(qlara):
    assert (await qlara.call("GET", STATUS, params={"channel": "WHATSAPP"})).status == 404
    for headers, key in [
        ({}, ""),
        ({}, "wrong-key"),
        ({}, sandbox.KEY_REVOKED),
        (basic(sandbox.BASIC_PRODUCTION.username, "wrong"), ""),
        (basic("nobody", "x"), ""),
        ({"Authorization": "Basic !!!not-base64"}, ""),
        ({"Authorization": "Bearer " + sandbox.KEY_PRODUCTION}, ""),
    ]:
        answer = await qlara.call("GET", STATUS, params={"channel": "WHATSAPP"}, headers=headers, key=key)
        assert answer.status == 401, (headers, key)
        assert answer.body["error"] == "Unauthorized"
        assert "X-RateLimit-Limit" not in answer.headers, "nothing to count a request against without a caller"


async def test_an_api_key_of_another_provider_is_not_a_qlara_key(qlara):
    from wa_emulator.providers.mojeeb import sandbox as mojeeb

    answer = await qlara.call("GET", STATUS, params={"channel": "WHATSAPP"}, key=mojeeb.KEY_FULL)
    assert answer.status == 401


async def test_basic_auth_works_like_the_api_key(qlara):
    login = basic(sandbox.BASIC_PRODUCTION.username, sandbox.BASIC_PRODUCTION.password)
    sent = await qlara.send(headers=login)
    assert sent.status == 200
    by_key = await qlara.status(sent.body["messageId"])
    by_basic = await qlara.status(sent.body["messageId"], headers=login)
    assert by_basic.status == 200 and by_basic.body == by_key.body
    trial = basic(sandbox.BASIC_TRIAL.username, sandbox.BASIC_TRIAL.password)
    assert (await qlara.status(sent.body["messageId"], headers=trial)).status == 404


async def test_an_ip_allowlist_that_excludes_the_caller_answers_403(qlara, emu):
    answer = await qlara.call("GET", STATUS, params={"channel": "WHATSAPP"}, key=sandbox.KEY_ALLOWLISTED)
    assert answer.status == 403 and "127.0.0.1" in answer.body["message"]
    login = basic(sandbox.BASIC_ALLOWLISTED.username, sandbox.BASIC_ALLOWLISTED.password)
    assert (await qlara.call("GET", STATUS, headers=login)).status == 403
    emu.world.tenants.org(sandbox.ORG_ALLOWLISTED).ip_allowlist = ("203.0.113.10", "127.0.0.1")
    allowed = await qlara.call("GET", STATUS, params={"channel": "WHATSAPP"}, key=sandbox.KEY_ALLOWLISTED)
    assert allowed.status == 404


async def test_rate_limit_headers_are_on_every_response(qlara):
    ok = await qlara.send()
    missing = await qlara.status("nope")
    assert ok.headers["X-RateLimit-Limit"] == missing.headers["X-RateLimit-Limit"] == "1000"
    assert (ok.headers["X-RateLimit-Remaining"], missing.headers["X-RateLimit-Remaining"]) == ("999", "998")
    assert int(ok.headers["X-RateLimit-Reset"]) % 60 == 0


async def test_the_burst_limit_answers_the_documented_429(qlara, emu):
    answers = [await qlara.call("GET", STATUS, key=sandbox.KEY_TRIAL) for _ in range(11)]
    assert [a.status for a in answers] == [400] * 10 + [429]
    refused = answers[-1]
    contracts.validate("qlara", "rate-limit-error", refused.body)
    assert refused.body == {"status": 429, "error": "Too Many Requests",
                            "message": "Rate limit exceeded. Please retry after 1 seconds.", "retryAfter": 1}
    assert refused.headers["Retry-After"] == "1" and refused.headers["X-RateLimit-Limit"] == "10"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    await emu.advance(1)
    assert (await qlara.call("GET", STATUS, key=sandbox.KEY_TRIAL)).status == 400


async def test_the_minute_limit_holds_across_bursts(qlara, emu):
    start = emu.world.clock.now()
    await emu.advance(60 - start % 60)  # start at the top of a minute, so one window covers the test
    statuses = []
    for _ in range(11):
        statuses += [(await qlara.call("GET", STATUS, key=sandbox.KEY_TRIAL)).status for _ in range(10)]
        await emu.advance(1)
    assert statuses.count(400) == 100 and statuses[100:] == [429] * 10
    refused = await qlara.call("GET", STATUS, key=sandbox.KEY_TRIAL)
    assert refused.status == 429 and refused.headers["X-RateLimit-Limit"] == "100"
    assert refused.body["retryAfter"] == 60 - 11
    await emu.advance(49)
    assert (await qlara.call("GET", STATUS, key=sandbox.KEY_TRIAL)).status == 400


async def test_limits_are_counted_per_key(qlara):
    for _ in range(10):
        await qlara.call("GET", STATUS, key=sandbox.KEY_TRIAL)
    assert (await qlara.call("GET", STATUS, key=sandbox.KEY_TRIAL)).status == 429
    trial_basic = basic(sandbox.BASIC_TRIAL.username, sandbox.BASIC_TRIAL.password)
    assert (await qlara.call("GET", STATUS, headers=trial_basic)).status == 400
    assert (await qlara.call("GET", STATUS)).status == 400


async def test_unknown_routes_wrong_methods_and_bad_bodies_get_the_designed_shape(qlara):
    unknown = await qlara.call("GET", "/partner-gateway/v1/nothing-here")
    assert unknown.status == 404 and unknown.body["path"] == "/qlara/api/partner-gateway/v1/nothing-here"
    assert "X-RateLimit-Remaining" in unknown.headers
    assert (await qlara.call("GET", "/partner-gateway/v1/nothing-here", key="")).status == 401
    wrong_method = await qlara.call("GET", "/message-server/whatsapp/send")
    assert wrong_method.status == 405 and wrong_method.headers["Allow"] == "POST"
    for data, content_type, status in [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ("", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        ("destination=+39", "application/x-www-form-urlencoded", 415),
        ("x" * (1024 * 1024 + 10), "application/json", 413),
    ]:
        answer = await qlara.call("POST", "/message-server/whatsapp/send", data=stream(data),
                                  headers={"Content-Type": content_type})
        assert answer.status == answer.body["status"] == status, (data[:20], answer.body)


async def test_real_hosts_are_served_at_the_root(http, emu):
    for host in ("lora-api.agiletelecom.com", "pre-lora-api.agiletelecom.com"):
        async with http.post(f"{emu.base_url}/api/message-server/whatsapp/send", json=TEMPLATE,
                             headers={"Host": host, "X-Api-Key": sandbox.KEY_PRODUCTION}) as response:
            assert response.status == 200
        async with http.get(f"{emu.base_url}/api/nothing", headers={"Host": host, "X-Api-Key": "x"}) as response:
            body = await response.json()
        assert response.status == 401 and body["path"] == "/api/nothing"


async def test_faults_are_answered_in_qlaras_shape(qlara, emu):
    emu.world.faults.add(provider="qlara", path="/message-server/**", status=503, times=1)
    failed = await qlara.send()
    assert failed.status == 503 and failed.body["error"] == "Service Unavailable"
    assert (await qlara.send()).status == 200
    emu.world.faults.add(provider="qlara", path="/partner-gateway/**", status=429, times=1)
    limited = await qlara.status("nope")
    assert limited.status == 429 and limited.body["retryAfter"] == 1


async def test_credentials_list_every_sandbox_account(http, emu):
    async with http.get(emu.base_url + "/_emulator/credentials") as response:
        credentials = (await response.json())["qlara"]
    assert credentials["base_path"] == "/qlara/api"
    accounts = {org["id"]: org for org in credentials["organizations"]}
    production = accounts[sandbox.ORG_PRODUCTION]
    assert {key["secret"] for key in production["keys"]} == {sandbox.KEY_PRODUCTION, sandbox.KEY_REVOKED}
    assert production["basic"] == [{"username": "demo-production", "password": "sandbox-production-pass"}]
    assert [agent["phoneNumberId"] for agent in production["agents"]] == [5, 6]
    assert accounts[sandbox.ORG_TRIAL]["rate_limit_per_minute"] == 100
    assert accounts[sandbox.ORG_ALLOWLISTED]["ip_allowlist"] == ["203.0.113.10"]
