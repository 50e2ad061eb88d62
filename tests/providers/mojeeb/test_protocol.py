"""Envelopes, correlation ids, idempotency and rate limits."""

import asyncio

from tests.support.rawbody import stream
from wa_emulator.providers.mojeeb import sandbox

from .conftest import TEXT


async def test_unmatched_paths_and_methods_get_mojeebs_envelope(mojeeb):
    answer = await mojeeb.call("GET", "/v1/whatsapp/nothing-here")
    assert answer.status == 404 and answer.body["error"]["code"] == "endpoint_not_found"
    answer = await mojeeb.call("GET", "/v1/whatsapp/nothing-here", key="")
    assert answer.status == 404, "route misses answer 404 before asking for a key"
    answer = await mojeeb.call("DELETE", "/v1/whatsapp/messages")
    assert answer.status == 405 and answer.body["error"]["code"] == "method_not_allowed"
    assert answer.headers["Allow"] == "POST"


async def test_bodies_that_are_not_json_objects_get_an_envelope_never_a_500(mojeeb):
    for data, headers, status, code in [
        ("{not json", {"Content-Type": "application/json"}, 400, "invalid_json"),
        ("[1, 2]", {"Content-Type": "application/json"}, 400, "invalid_json"),
        ("", {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b"\xff\xfe", {"Content-Type": "application/json"}, 400, "invalid_json"),
        ("agent_id=1", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        ("x" * (1024 * 1024 + 10), {"Content-Type": "application/json"}, 413, "request_too_large"),
    ]:
        answer = await mojeeb.call("POST", "/v1/whatsapp/messages", data=stream(data), headers=headers)
        assert answer.status == status, (data[:20], answer.body)
        assert answer.body["error"]["code"] == code
        assert answer.body["error"]["correlation_id"]


async def test_correlation_id_is_on_every_response_and_a_clients_own_is_honoured(mojeeb):
    answer = await mojeeb.send()
    generated = answer.headers["X-Correlation-ID"]
    assert generated.startswith("req_") and len(generated) == 30
    answer = await mojeeb.get("nope", headers={"X-Correlation-ID": "trace-abc-123"})
    assert answer.headers["X-Correlation-ID"] == "trace-abc-123"
    assert answer.body["error"]["correlation_id"] == "trace-abc-123"


async def test_idempotent_replay_conflict_and_expiry(mojeeb, emu):
    headers = {"Idempotency-Key": "order-42"}
    first = await mojeeb.send(headers=headers)
    again = await mojeeb.send(headers=headers)
    assert first.status == again.status == 202
    assert again.body == first.body and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len([m for m in emu.world.store if m.provider == "mojeeb"]) == 1
    different = await mojeeb.send({**TEXT, "text": {"body": "other"}}, headers=headers)
    assert different.status == 422
    assert different.body["error"]["code"] == "idempotency_key_in_use_with_different_params"
    assert different.body["error"]["type"] == "idempotency_error"
    await emu.advance(24 * 3600)
    fresh = await mojeeb.send(headers=headers)
    assert fresh.status == 202 and fresh.body["id"] != first.body["id"]
    too_long = await mojeeb.send(headers={"Idempotency-Key": "k" * 256})
    assert too_long.status == 422 and too_long.body["error"]["code"] == "invalid_idempotency_key"


async def test_idempotency_key_in_progress_answers_409_with_retry_after(mojeeb, emu):
    emu.world.faults.add(provider="mojeeb", method="POST", path="/v1/whatsapp/messages", latency=0.3, times=1)
    headers = {"Idempotency-Key": "slow-one"}
    slow = asyncio.create_task(mojeeb.send(headers=headers))
    await asyncio.sleep(0.1)
    conflict = await mojeeb.send(headers=headers)
    assert conflict.status == 409 and conflict.headers["Retry-After"] == "1"
    assert conflict.body["error"]["code"] == "idempotency_key_in_progress"
    assert (await slow).status == 202


async def test_rate_limit_60_per_minute_per_key_fixed_window(mojeeb, emu):
    for n in range(60):
        answer = await mojeeb.get("nope")
        assert answer.status == 404, n
        assert not any(h.startswith("X-RateLimit") for h in answer.headers), "no rate-limit headers below 429"
    limited = await mojeeb.get("nope")
    assert limited.status == 429
    error = limited.body["error"]
    assert (error["type"], error["code"]) == ("rate_limit_error", "rate_limit_exceeded")
    assert limited.headers["X-RateLimit-Limit"] == "60" and limited.headers["X-RateLimit-Remaining"] == "0"
    retry_after = int(limited.headers["Retry-After"])
    assert 1 <= retry_after <= 60 and f"{retry_after} seconds" in error["message"]
    assert int(limited.headers["X-RateLimit-Reset"]) == int(emu.world.clock.now()) + retry_after
    other_key = await mojeeb.get("nope", key=sandbox.KEY_GLOBEX)
    assert other_key.status == 404, "each key has its own counter"
    await emu.advance(retry_after)
    assert (await mojeeb.get("nope")).status == 404


async def test_per_key_rate_limit_override(mojeeb, emu):
    emu.world.tenants.key(sandbox.KEY_FULL).rate_limit = 2
    assert [(await mojeeb.get("nope")).status for _ in range(3)] == [404, 404, 429]


async def test_real_host_header_reaches_mojeeb_at_the_root(http, emu):
    async with http.get(f"{emu.base_url}/v1/whatsapp/messages/nope", headers={
        "Host": "api.mojeeb.app", "Authorization": f"Bearer {sandbox.KEY_FULL}"}) as response:
        body = await response.json()
    assert response.status == 404 and body["error"]["code"] == "message_not_found"
