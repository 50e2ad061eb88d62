"""Nothing the control API or the in-process Emulator is given is accepted and then ignored (issue 13, item 6).

Each case was once answered 2xx and did nothing, so a test passed for the wrong reason: now each
is refused (naming the field, listing what is valid) or does what was meant.
"""

import pytest
import yaml

from tests.control.test_control_api import call, send_template, send_wazapin
from wa_emulator.control.errors import ControlError, ControlNotFound
from wa_emulator.providers.mojeeb import sandbox

UNKNOWN_FIELDS = [
    ("POST", "/clock/advance", {"seconds": 5, "secs": 5}, "secs"),
    ("POST", "/clock/mode", {"mode": "manual", "speed": 2}, "speed"),
    ("PUT", "/contacts/+15551234567", {"read_reciepts": False}, "read_reciepts"),
    ("POST", "/inbound", {"provider": "mojeeb", "from": "+15551234567", "text": "hi", "txt": "x"}, "txt"),
    ("POST", "/faults", {"provider": "mojeeb", "status": 503, "time": 1}, "time"),
    ("POST", "/webhooks/directives", {"message_id": "x", "status": "read", "dealy": "5s"}, "dealy"),
    ("POST", "/reset", {"scenario": "happy-path"}, "scenario"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), UNKNOWN_FIELDS, ids=[c[1] for c in UNKNOWN_FIELDS])
async def test_every_unknown_body_field_is_refused_naming_it(http, emu, method, path, body, field):
    status, answer = await call(http, emu, method, path, body)
    assert status == 422, answer
    assert answer["error"]["code"] == "unknown_field" and answer["error"]["field"] == field
    assert f"'{field}'" in answer["error"]["message"]


async def test_a_typo_suggests_the_field_meant(http, emu):
    message_id = await send_wazapin(http, emu)
    status, answer = await call(http, emu, "POST", "/webhooks/directives",
                                {"message_id": message_id, "status": "delivered", "dealy": "5s"})
    assert status == 422 and "did you mean 'delay'?" in answer["error"]["message"]
    assert "delay" in answer["error"]["allowed"]


async def test_a_directive_for_a_provider_without_webhooks_is_refused(http, emu):
    message_id = await send_template(http, emu)  # Mojeeb: status polling only
    status, answer = await call(http, emu, "POST", "/webhooks/directives",
                                {"message_id": message_id, "status": "delivered", "delay": "5s"})
    assert status == 422 and answer["error"]["code"] == "no_webhooks"
    assert "mojeeb sends no webhooks" in answer["error"]["message"]


@pytest.mark.parametrize(("path", "field", "listed"), [
    ("/journal?provider=mojeb", "provider", "mojeeb, wazapin, qlara"),
    ("/journal?method=FETCH", "method", "GET"),
    ("/messages?provider=Mojeeb", "provider", "mojeeb"),
    ("/messages?status=seen", "status", "queued, sent, received, delivered, read, failed, expired"),
    ("/messages?direction=out", "direction", "outbound, inbound"),
    ("/messages?to=someone", "to", "E.164"),
    ("/webhooks/deliveries?state=failed", "state", "pending, delivered, exhausted"),
    ("/webhooks/deliveries?provider=wazapim", "provider", "wazapin"),
])
async def test_a_filter_value_nothing_could_match_is_refused_listing_the_valid_ones(http, emu, path, field, listed):
    status, answer = await call(http, emu, "GET", path)
    assert status == 400 and answer["error"]["code"] == "invalid_filter", answer
    assert answer["error"]["field"] == field and listed in answer["error"]["message"]


async def test_an_unknown_filter_is_refused_naming_it(http, emu):
    status, answer = await call(http, emu, "GET", "/messages?stauts=read")
    assert status == 400 and answer["error"]["code"] == "unknown_filter" and answer["error"]["field"] == "stauts"
    assert "did you mean 'status'?" in answer["error"]["message"]


async def test_status_filter_matches_in_any_case_and_to_in_any_spelling(http, emu):
    message_id = await send_template(http, emu, to="+15551234567")
    await emu.advance(60)
    assert emu.history(message_id)[-1] == "read"
    for query in ("status=READ", "status=read", "to=15551234567", "to=%2B1%20555%20123%204567"):
        status, answer = await call(http, emu, "GET", f"/messages?{query}")
        assert status == 200 and [m["id"] for m in answer["data"]] == [message_id], query


async def test_a_fault_path_with_the_mount_prefix_fires(http, emu):
    status, fault = await call(http, emu, "POST", "/faults", {"path": "/mojeeb/v1/whatsapp/templates", "status": 503})
    assert status == 201 and fault["path"] == "/v1/whatsapp/templates" and fault["provider"] == "mojeeb"
    body = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567",
            "template": {"name": "hello_world", "language": "en"}}
    async with http.post(f"{emu.url('mojeeb')}/v1/whatsapp/templates", json=body,
                         headers={"Authorization": f"Bearer {sandbox.KEY_FULL}"}) as response:
        assert response.status == 503


async def test_a_fault_path_under_another_providers_mount_is_refused(http, emu):
    status, answer = await call(http, emu, "POST", "/faults",
                                {"provider": "wazapin", "path": "/mojeeb/v1/whatsapp/templates", "status": 503})
    assert status == 422 and answer["error"]["field"] == "path"
    assert "relative to the provider's base URL" in answer["error"]["message"]
    status, answer = await call(http, emu, "POST", "/faults", {"path": "http://x/mojeeb/v1", "status": 503})
    assert status == 422 and "relative to the provider's base URL" in answer["error"]["message"]


@pytest.mark.parametrize("spelling", ["15551234567", "+15551234567", "+1 (555) 123-4567"])
async def test_a_contact_is_one_person_however_the_number_is_written(http, emu, spelling):
    status, contact = await call(http, emu, "PUT", f"/contacts/{spelling}", {"read_receipts": False})
    assert status == 200 and contact["phone"] == "+15551234567"
    message_id = await send_template(http, emu, to="+15551234567")
    await emu.advance(60)
    assert "read" not in emu.history(message_id) and emu.history(message_id)[-1] == "delivered"


async def test_wazapins_digits_only_number_names_the_contact(http, emu):
    status, contact = await call(http, emu, "PUT", "/contacts/6281234567890", {"read_receipts": False})
    assert status == 200 and contact["phone"] == "+6281234567890"
    message_id = await send_wazapin(http, emu, to="6281234567890")
    await emu.advance(60)
    assert emu.history(message_id)[-1] == "delivered"
    status, answer = await call(http, emu, "PUT", "/contacts/not-a-phone", {"read_receipts": False})
    assert status == 422 and answer["error"]["code"] == "invalid_phone" and answer["error"]["field"] == "phone"


# -- the same refusals in Python --------------------------------------------------------------


async def test_python_calls_raise_value_errors_with_the_http_message(http, emu):
    status, answer = await call(http, emu, "PUT", "/contacts/+15551234567", {"read_reciepts": False})
    assert status == 422
    with pytest.raises(ControlError) as raised:
        emu.set_contact("+15551234567", read_reciepts=False)
    assert isinstance(raised.value, ValueError) and raised.value.field == "read_reciepts"
    assert str(raised.value) == answer["error"]["message"] and raised.value.code == "unknown_field"
    status, answer = await call(http, emu, "GET", "/journal?provider=mojeb")
    assert status == 400
    with pytest.raises(ValueError, match="'provider' must be one of mojeeb") as raised:
        emu.journal(provider="mojeb")
    assert str(raised.value) == answer["error"]["message"]
    for call_with_typo in (lambda: emu.messages(stauts="read"), lambda: emu.deliveries(state="failed"),
                           lambda: emu.messages(to="nobody")):
        with pytest.raises(ControlError):
            call_with_typo()
    with pytest.raises(ControlError, match="did you mean 'provider'"):
        emu.journal(provder="mojeeb")
    with pytest.raises(ControlError, match="'from' must be a phone number"):
        await emu.inbound("mojeeb", "not a phone", "hi")


async def test_python_lookups_of_what_does_not_exist_raise_key_errors(emu):
    with pytest.raises(ControlNotFound) as raised:
        emu.message("msg_nope")
    assert isinstance(raised.value, KeyError) and str(raised.value) == "No message with id 'msg_nope'."
    with pytest.raises(KeyError, match="the providers are: mojeeb, wazapin, qlara"):
        emu.url("Mojeeb")
    with pytest.raises(KeyError, match="the providers are"):
        emu.credentials("mojeb")


async def test_journal_filters_have_one_name_over_http_and_in_python(http, emu):
    await send_template(http, emu)
    status, answer = await call(http, emu, "GET", "/journal?path=/v1/whatsapp/templates")
    assert status == 200 and answer["count"] == 1
    assert emu.journal(path="/v1/whatsapp/templates") == answer["data"]
    with pytest.raises(ControlError, match="Unknown filter 'path_contains'"):
        emu.journal(path_contains="/v1/whatsapp")
    status, answer = await call(http, emu, "GET", "/journal?path_contains=/v1")
    assert status == 400 and answer["error"]["code"] == "unknown_filter"


async def test_python_filters_match_as_http_filters_do(http, emu):
    message_id = await send_template(http, emu, to="+15551234567")
    await emu.advance(60)
    assert [m["id"] for m in emu.messages(status="READ", to="15551234567")] == [message_id]
    emu.set_contact("15559876543", name="Ana")
    assert [c["phone"] for c in (await call(http, emu, "GET", "/contacts"))[1]["data"]] == ["+15559876543"]


async def test_the_index_lists_every_control_operation_from_its_table(http, emu):
    from wa_emulator.control.operations import API

    for path in ("/_emulator/", "/_emulator"):
        async with http.get(emu.base_url + path) as response:
            assert response.status == 200
            index = await response.json()
    listed = {(op["method"], op["path"]) for op in index["operations"]}
    assert listed == {(op.method.upper(), "/_emulator" + op.path) for op in API.operations}
    assert ("POST", "/_emulator/faults") in listed and index["count"] == len(API.operations)
    assert all(op["summary"] for op in index["operations"])



async def test_a_fault_on_a_path_no_operation_has_is_refused_naming_the_path(http, emu):
    status, answer = await call(http, emu, "POST", "/faults",
                                {"provider": "mojeeb", "path": "/v1/whatsap/templates", "status": 503})
    assert status == 422 and answer["error"]["code"] == "unknown_route" and answer["error"]["field"] == "path"
    assert "relative to the provider's base URL" in answer["error"]["message"]
    status, _ = await call(http, emu, "POST", "/faults",
                           {"provider": "mojeeb", "method": "DELETE", "path": "/v1/whatsapp/templates", "status": 503})
    assert status == 422
    for reachable in ("/v1/whatsapp/messages/abc", "/v1/**", "/v1/whatsapp/*", "**"):
        status, _ = await call(http, emu, "POST", "/faults", {"provider": "mojeeb", "path": reachable, "status": 503})
        assert status == 201, reachable
    with pytest.raises(ValueError, match="would never fire"):
        emu.add_fault(provider="wazapin", path="/v1/mesages", status=500)


async def test_a_scenario_whose_key_would_401_every_call_is_refused_naming_it(http, emu):
    scenario = ("version: 1\nname: keyed\ntenants:\n  mojeeb:\n    - id: org_test\n      name: Test\n"
                "      keys:\n        - {name: ci, secret: mk_live_8aB3cDe4FgH5iJ6kLm7nOp_a1b2c3d4e5}\n")
    status, answer = await call(http, emu, "POST", "/scenario", yaml.safe_load(scenario))
    assert status == 422 and answer["error"]["field"] == "tenants.mojeeb[0].keys[0].secret"
    assert "not a well-formed Mojeeb key" in answer["error"]["message"]


async def test_a_scenario_fault_that_would_never_fire_is_refused_naming_it(http, emu):
    scenario = {"version": 1, "name": "faulty",
                "faults": [{"provider": "wazapin", "path": "/v1/mesages", "status": 500}]}
    status, answer = await call(http, emu, "POST", "/scenario", scenario)
    assert status == 422 and answer["error"]["field"] == "faults[0].path"
    assert "would never fire" in answer["error"]["message"]
