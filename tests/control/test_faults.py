"""/_emulator/faults: inject, list and remove faults on provider routes."""

from wa_emulator import contracts
from wa_emulator.providers.mojeeb import sandbox


async def call(http, emu, method, path, json=None):
    async with http.request(method, f"{emu.base_url}/_emulator{path}", json=json) as response:
        body = await response.json() if response.status != 204 else None
        return response.status, body


async def get_message(http, emu):
    async with http.get(f"{emu.url('mojeeb')}/v1/whatsapp/messages/00000000-0000-0000-0000-000000000000",
                        headers={"Authorization": f"Bearer {sandbox.KEY_FULL}"}) as response:
        return response.status, await response.json()


async def test_a_fault_answers_in_the_provider_envelope_the_given_number_of_times(http, emu):
    status, fault = await call(http, emu, "POST", "/faults",
                               {"provider": "mojeeb", "method": "get", "path": "/v1/whatsapp/messages/*",
                                "status": 503, "times": 1})
    assert status == 201 and fault["status"] == 503 and fault["method"] == "GET"
    status, body = await get_message(http, emu)
    assert status == 503
    contracts.validate("mojeeb", "error", body)
    status, _ = await get_message(http, emu)
    assert status == 404  # the fault fired its one time; the route answers normally again
    _, listed = await call(http, emu, "GET", "/faults")
    assert listed["data"][0]["fired"] == 1


async def test_faults_can_be_deleted_one_by_one_or_all_at_once(http, emu):
    _, first = await call(http, emu, "POST", "/faults", {"status": 500})
    await call(http, emu, "POST", "/faults", {"status": 502, "every": 2})
    assert (await call(http, emu, "DELETE", f"/faults/{first['id']}"))[0] == 204
    status, body = await call(http, emu, "DELETE", f"/faults/{first['id']}")
    assert status == 404 and body["error"]["code"] == "fault_not_found"
    assert (await call(http, emu, "GET", "/faults"))[1]["count"] == 1
    assert (await call(http, emu, "DELETE", "/faults"))[0] == 204
    assert (await call(http, emu, "GET", "/faults"))[1]["count"] == 0


async def test_bad_fault_bodies_are_refused_field_by_field(http, emu):
    for body, code in [
        ({}, "empty_fault"),
        ({"status": 200}, "invalid_field"),
        ({"status": 503, "provider": "nobody"}, "invalid_provider"),
        ({"status": 503, "colour": "red"}, "unknown_field"),
        ({"latency": "forever"}, "invalid_duration"),
        ({"latency": 600}, "invalid_duration"),
        ({"status": 503, "probability": 2}, "invalid_field"),
        ({"status": 503, "path": "v1/x"}, "invalid_field"),
        ({"drop": "yes"}, "invalid_field"),
    ]:
        status, answer = await call(http, emu, "POST", "/faults", body)
        assert status == 422 and answer["error"]["code"] == code, body
