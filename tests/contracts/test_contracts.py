"""Contracts, OpenAPI documents, strict mode and `wa-emulator contracts check`."""

import json
import logging

import pytest
from jsonschema import Draft202012Validator

from wa_emulator import contracts
from wa_emulator.cli import main
from wa_emulator.contracts.openapi import contracts_used, siblings
from wa_emulator.core.webhooks import INVALID, RetryPolicy
from wa_emulator.providers import all_providers
from wa_emulator.providers.mojeeb import handlers as mojeeb_routes
from wa_emulator.providers.mojeeb import sandbox
from wa_emulator.testing.emulator import Emulator
from wa_emulator.web.operations import ApiDescription, Operation

EVERY_CONTRACT = [(folder, name) for folder in contracts.folders() for name in contracts.names(folder)]


@pytest.mark.parametrize(("folder", "name"), EVERY_CONTRACT)
def test_every_contract_is_a_valid_schema_with_title_and_source(folder, name):
    schema = contracts.load(folder, name)
    Draft202012Validator.check_schema(schema)
    assert schema["title"]
    assert schema["x-source"].startswith(("https://", "designed: "))
    assert schema["$id"] == contracts.schema_id(folder, name)  # references between contracts resolve against it
    for target_folder, target in siblings(folder, schema):
        assert target in contracts.names(target_folder), f"{folder}/{name} refers to a missing {target}"


@pytest.mark.parametrize("provider", [p.name for p in all_providers()])
def test_every_provider_declares_its_operations_with_existing_contracts(provider):
    [api] = [p.api for p in all_providers() if p.name == provider]
    assert api.operations
    assert all(name in contracts.names(folder) for folder, name in contracts_used(api))


async def test_openapi_documents_are_served_for_every_provider_and_control(emu, http):
    for name in [*(p.name for p in all_providers()), "control"]:
        async with http.get(f"{emu.base_url}/_emulator/openapi/{name}.json") as response:
            assert response.status == 200
            doc = await response.json()
        assert doc["openapi"] == "3.1.0" and doc["paths"]
        assert doc["servers"][0]["url"].startswith(emu.base_url)
        for ref in _refs(doc):  # every reference resolves inside the document
            node = doc
            for part in ref.removeprefix("#/").split("/"):
                node = node[part]
            assert isinstance(node, dict), ref
    async with http.get(f"{emu.base_url}/_emulator/openapi/nobody.json") as response:
        assert response.status == 404 and (await response.json())["error"]["code"] == "unknown_api"


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


async def test_strict_mode_answers_a_broken_body_with_a_500_in_the_provider_envelope(emu, http, monkeypatch, caplog):
    monkeypatch.setattr(mojeeb_routes, "message_body", lambda message, echo_to: {"id": message.id})
    body = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567",
            "template": {"name": "hello_world", "language": "en"}}
    with caplog.at_level(logging.ERROR):
        async with http.post(f"{emu.url('mojeeb')}/v1/whatsapp/templates", json=body,
                             headers={"Authorization": f"Bearer {sandbox.KEY_FULL}"}) as response:
            answer = await response.json()
    assert response.status == 500
    contracts.validate("mojeeb", "error", answer)
    assert answer["error"]["code"] == "contract_violation"
    message = answer["error"]["message"]
    assert "mojeeb/message" in message and "'status' is a required property" in message
    assert "contract violation" in caplog.text


async def test_without_strict_mode_bodies_are_not_checked(http, monkeypatch):
    monkeypatch.setattr(mojeeb_routes, "message_body", lambda message, echo_to: {"id": message.id})
    body = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567",
            "template": {"name": "hello_world", "language": "en"}}
    async with Emulator() as emu, http.post(f"{emu.url('mojeeb')}/v1/whatsapp/templates", json=body,
                                            headers={"Authorization": f"Bearer {sandbox.KEY_FULL}"}) as response:
        assert response.status == 202


async def _never(request):
    raise AssertionError("not served")


class _Hooked:
    """A provider-like owner whose webhook contract is Mojeeb's message object (Mojeeb has no webhooks)."""

    name = "mojeeb"
    api = ApiDescription("t", "designed: test", "mojeeb", (Operation("get", "/x", "x", "x", _never),),
                         webhooks={"message.status": "message"})


async def test_strict_mode_refuses_to_send_a_webhook_that_breaks_its_contract(caplog):
    from wa_emulator.contracts import strict

    async with Emulator(strict=True) as emu:
        emu.world.dispatcher.inspect = strict.webhook_checker({"mojeeb": _Hooked.api})
        with caplog.at_level(logging.ERROR):
            [delivery] = emu.world.dispatcher.send(
                provider="mojeeb", org_id="o", endpoint_id="e", url="http://127.0.0.1:9/never",
                event_type="message.status", body=json.dumps({"id": "x"}).encode(),
                policy=RetryPolicy(schedule=(0.0,), timeout=1),
            )
        assert delivery.state == INVALID and delivery.attempts == []
        assert "mojeeb/message" in delivery.to_json()["problem"]
        assert "contract violation" in caplog.text


def test_contracts_check_infers_the_contract_from_the_file_name(tmp_path, capsys):
    good = tmp_path / "mojeeb.error.json"
    good.write_text(json.dumps({"error": {"type": "not_found_error", "code": "message_not_found",
                                          "message": "No message found.", "correlation_id": "req_1"}}))
    assert main(["contracts", "check", str(good)]) == 0
    assert "matches mojeeb/error" in capsys.readouterr().out
    bad = tmp_path / "mojeeb" / "message.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps({"id": "x"}))
    assert main(["contracts", "check", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "mojeeb/message" in err and "required property" in err


def test_contracts_check_takes_provider_and_name_or_tries_them_all(tmp_path, capsys):
    recorded = tmp_path / "recorded.json"
    recorded.write_text(json.dumps({"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001",
                                    "to": "+15551234567", "text": {"body": "hi"}}))
    assert main(["contracts", "check", str(recorded)]) == 0
    assert "mojeeb/send-text" in capsys.readouterr().out
    assert main(["contracts", "check", str(recorded), "--provider", "mojeeb", "--name", "message"]) == 1
    assert "mojeeb/message" in capsys.readouterr().err
    recorded.write_text("[1, 2")
    assert main(["contracts", "check", str(recorded)]) == 2
    assert "not JSON" in capsys.readouterr().err
    assert main(["contracts", "check", str(recorded), "--provider", "nobody"]) == 2
    assert "no contracts for 'nobody'" in capsys.readouterr().err


def test_serve_strict_says_so_in_the_banner():
    from wa_emulator.app import create_app
    from wa_emulator.cli import banner, build_parser
    from wa_emulator.settings import Settings

    args = build_parser().parse_args(["serve", "--strict"])
    assert args.strict
    assert "strict   every response and webhook body" in banner(create_app(Settings(strict=True)), "127.0.0.1", 1)
    assert "strict" not in banner(create_app(Settings()), "127.0.0.1", 1)


def _routes(router):
    """(METHOD, canonical path) of every route an API's route table serves (HEAD comes with GET)."""
    return {(route.method, route.resource.canonical) for route in router.routes() if route.method != "HEAD"}


@pytest.mark.parametrize("provider", all_providers(), ids=lambda p: p.name)
def test_every_provider_route_is_a_declared_operation(provider):
    from wa_emulator.core.world import World
    from wa_emulator.web.front import FrontDoor, api_routes

    api = provider.api
    inside = provider.base_path.removeprefix(provider.prefix)  # Qlara's routes carry /api inside its route table
    declared = {(op.method.upper(), inside + op.path) for op in api.operations}
    assert _routes(api_routes(api, FrontDoor(World(), provider.door), inside)) == declared


def test_every_control_route_is_in_the_control_openapi_document():
    from wa_emulator.control import operations as control
    from wa_emulator.core.world import World
    from wa_emulator.web.front import FrontDoor, api_routes

    declared = {(op.method.upper(), op.path) for op in control.API.operations}
    assert _routes(api_routes(control.API, FrontDoor(World(), control.DOOR))) == declared
