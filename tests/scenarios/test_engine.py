"""Installing scenarios on a running server: the control API, resets, seeds, script, clock and matching."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from tests.support.mojeeb import MojeebClient
from wa_emulator.core.models import StatusEvent
from wa_emulator.core.world import World
from wa_emulator.scenario import install, load_text
from wa_emulator.testing.emulator import Emulator

from .conftest import UseScenario

CUSTOMER = "+15550001000"


async def call(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as response:
        return response.status, await response.json()


async def test_get_scenario_says_which_one_is_in_force(emu: Emulator, http: aiohttp.ClientSession) -> None:
    assert (await call(http, "GET", f"{emu.base_url}/_emulator/scenario"))[1]["name"] is None
    status, body = await call(http, "POST", f"{emu.base_url}/_emulator/scenario", json={"name": "happy-path"})
    assert status == 201 and body["name"] == "happy-path"
    body = (await call(http, "GET", f"{emu.base_url}/_emulator/scenario"))[1]
    assert body["source"] == "happy-path.yaml" and body["scenario"]["seed"] == 1001


async def test_inline_yaml_and_json_bodies_and_a_path_are_accepted(http: aiohttp.ClientSession, tmp_path: Path) -> None:
    path = tmp_path / "on-disk.yaml"
    path.write_text("version: 1\nname: on-disk\n")
    async with Emulator(scenario_dirs=(tmp_path,)) as emu:
        url = f"{emu.base_url}/_emulator/scenario"
        assert (await call(http, "POST", url, data="version: 1\nname: inline-yaml\n"))[1]["name"] == "inline-yaml"
        assert (await call(http, "POST", url, json={"version": 1, "name": "inline-json"}))[1]["name"] == "inline-json"
        assert (await call(http, "POST", url, json={"path": str(path)}))[1]["name"] == "on-disk"
        assert (await call(http, "POST", url, json={"path": "on-disk.yaml"}))[1]["name"] == "on-disk"


async def test_a_bad_scenario_is_refused_clearly_and_the_old_one_stays(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    await call(http, "POST", url, json={"name": "read-receipts-off"})
    status, body = await call(http, "POST", url, data="version: 1\nname: broken\nseed: lots\n")
    assert status == 422
    assert body["error"] == {
        "code": "invalid_scenario",
        "message": "<request body>:3:7: seed: expected a whole number, got 'lots'",
        "file": "<request body>", "line": 3, "column": 7, "field": "seed",
    }
    status, body = await call(http, "POST", url, json={"name": "no-such-scenario"})
    assert status == 422 and "no bundled scenario" in body["error"]["message"]
    status, body = await call(http, "POST", url, data="")
    assert status == 422 and "a scenario in YAML or JSON" in body["error"]["message"]
    assert (await call(http, "GET", url))[1]["name"] == "read-receipts-off"
    contacts = (await call(http, "GET", f"{emu.base_url}/_emulator/contacts"))[1]["data"]
    assert [(c["phone"], c["read_receipts"]) for c in contacts] == [(CUSTOMER, False)]


async def test_odd_scenario_bodies_get_a_4xx_and_the_old_scenario_stays(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    await call(http, "POST", url, json={"name": "read-receipts-off"})
    for kwargs, expected in [
        ({"json": {"name": ""}}, 422),  # an empty name used to raise KeyError: 500
        ({"data": b"\xff\xfe"}, 400),  # not UTF-8
        ({"data": "version: 1\nname: big\nseed: " + "9" * 5000}, 422),
        ({"json": {"name": "x" * 5000}}, 422),  # longer than a file name may be: OSError
        ({"data": "[" * 5000}, 422),  # RecursionError in PyYAML
        ({"data": b"version: 1\nname: x\n", "headers": {"Content-Type": "text/yaml; charset=bogus"}}, 201),
    ]:
        status, body = await call(http, "POST", url, **kwargs)
        assert status == expected, (kwargs, body)
        if status != 201:
            assert body["error"]["message"]
            assert (await call(http, "GET", url))[1]["name"] == "read-receipts-off"


async def test_a_fixture_of_an_unknown_organization_is_refused_before_anything_changes(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    await call(http, "POST", url, json={"name": "sandbox"})
    text = (
        "version: 1\nname: orphan\nfixtures:\n  - {id: m1, provider: mojeeb, org: nobody, agent: a, "
        "from: '+15550100001', to: '+15550001001', status: sent}\n"
    )
    status, body = await call(http, "POST", url, data=text)
    assert status == 422
    assert body["error"]["message"] == (
        "<request body>:4:5: fixtures[0].org: no organization 'nobody' (add it under tenants)"
    )
    assert (await call(http, "GET", url))[1]["name"] == "sandbox"


async def test_reset_reapplies_the_scenario_in_force(
    emu: Emulator, http: aiohttp.ClientSession, use: UseScenario
) -> None:
    await use("sandbox")
    client = await MojeebClient(emu, http).start()
    await client.send_text("+15550001001")
    mojeeb = f"{emu.base_url}/_emulator/messages?provider=mojeeb"
    assert len((await call(http, "GET", mojeeb))[1]["data"]) == 2
    await call(http, "POST", f"{emu.base_url}/_emulator/reset")
    messages = (await call(http, "GET", mojeeb))[1]["data"]
    assert [m["id"] for m in messages] == ["01c45011-d803-4eb0-a762-3228a4c392f3"]  # only the fixture again
    assert (await call(http, "GET", f"{emu.base_url}/_emulator/scenario"))[1]["name"] == "sandbox"
    await client.use_key("rate-limited")  # the scenario's extra key is back too


async def _run_once(http: aiohttp.ClientSession) -> list[Any]:
    async with Emulator() as emu:
        await call(http, "POST", f"{emu.base_url}/_emulator/scenario", json={"name": "happy-path"})
        client = await MojeebClient(emu, http).start()
        ids = [(await client.send_text(CUSTOMER)).id, (await client.send_template("+15550009999")).id]
        await emu.advance(10)
        messages = (await call(http, "GET", f"{emu.base_url}/_emulator/messages"))[1]["data"]
        contacts = (await call(http, "GET", f"{emu.base_url}/_emulator/contacts"))[1]["data"]
        return [ids, [m["wamid"] for m in messages], [c["name"] for c in contacts]]


async def test_the_seed_repeats_ids_wamids_and_fake_names_exactly(http: aiohttp.ClientSession) -> None:
    first, second = await _run_once(http), await _run_once(http)
    assert first == second
    assert all(first[0]) and all(first[1]) and all(first[2])


async def test_script_turns_a_contact_offline_at_its_time(emu: Emulator, http: aiohttp.ClientSession) -> None:
    scenario = {
        "version": 1, "name": "goes-offline",
        "contacts": {CUSTOMER: {"last_inbound": "-1h"}},
        "script": [{"at": "1m", "contact": {"phone": CUSTOMER, "online": False}}],
    }
    await call(http, "POST", f"{emu.base_url}/_emulator/scenario", json=scenario)
    client = await MojeebClient(emu, http).start()
    before = (await client.send_text(CUSTOMER)).id or ""
    await emu.advance(60)
    after = (await client.send_text(CUSTOMER)).id or ""
    await emu.advance(3600)
    assert [await client.status(before), await client.status(after)] == ["read", "sent"]


async def test_clock_start_and_timelines_matched_on_type_and_template(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    scenario = """
version: 1
name: matching
clock: {mode: manual, start: 2026-01-01T00:00:00Z}
contacts: {"+15550001000": {last_inbound: -1h}}
timelines:
  - match: {type: template, template: payment_due}
    steps: [{after: 1s, status: sent}, {after: 1s, status: failed, error: 132001}]
  - match: {provider: mojeeb, type: template}
    steps: [{after: 1s, status: sent}, {after: 1s, status: delivered}]
"""
    await call(http, "POST", f"{emu.base_url}/_emulator/scenario", data=scenario)
    assert (await call(http, "GET", f"{emu.base_url}/_emulator/clock"))[1]["now"] == "2026-01-01T00:00:00.000Z"
    client = await MojeebClient(emu, http).start()
    failing = (await client.send_template(CUSTOMER, "payment_due")).id or ""
    other = (await client.send_template(CUSTOMER, "order_shipped")).id or ""
    text = (await client.send_text(CUSTOMER)).id or ""
    await emu.advance(60)
    assert [await client.status(m) for m in (failing, other, text)] == ["failed", "delivered", "read"]
    detail = (await call(http, "GET", f"{emu.base_url}/_emulator/messages/{failing}"))[1]
    assert detail["error"]["code"] == 132001


async def test_webhook_directives_of_a_timeline_travel_with_the_status_events(
    emu: Emulator, http: aiohttp.ClientSession, use: UseScenario
) -> None:
    events: list[StatusEvent] = []
    emu.world.on_status(events.append)
    await use("read-before-delivered")
    client = await MojeebClient(emu, http).start()
    await client.send_text(CUSTOMER)
    await emu.advance(10)
    assert [(e.status.value, e.directive.delay) for e in events] == [("sent", 0), ("delivered", 10), ("read", 0)]


async def test_a_fixture_relying_on_the_old_scenarios_tenants_is_refused_and_the_old_one_restored(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    owner = (
        "version: 1\nname: owner\ntenants:\n  mojeeb:\n    - id: org-extra\n"
        "      agents: [{id: agent-extra, phones: ['+15550100077']}]\n"
    )
    assert (await call(http, "POST", url, data=owner))[0] == 201
    borrower = (
        "version: 1\nname: borrower\nfixtures:\n  - {id: m1, provider: mojeeb, org: org-extra, agent: agent-extra, "
        "from: '+15550100077', to: '+15550001001', status: sent}\n"
    )
    status, body = await call(http, "POST", url, data=borrower)
    assert status == 422
    assert body["error"]["message"] == (
        "<request body>:4:5: fixtures[0].org: no organization 'org-extra' (add it under tenants)"
    )
    assert (await call(http, "GET", url))[1]["name"] == "owner"
    organizations = (await call(http, "GET", f"{emu.base_url}/_emulator/credentials"))[1]["mojeeb"]["organizations"]
    assert "org-extra" in [org["id"] for org in organizations]


def test_a_scenario_sets_the_clock_mode_and_speed() -> None:
    world = World()
    install(world, load_text("version: 1\nname: fast\nclock: {mode: scaled, factor: 60}\n"))
    assert str(world.clock.spec) == "scaled:60"
    world.reset()  # still in force after a reset
    assert str(world.clock.spec) == "scaled:60"


def test_named_contacts_keep_their_names_and_only_nameless_ones_are_made_up():
    from wa_emulator.core.world import World
    from wa_emulator.scenario import install, load_text

    world = World()
    install(world, load_text('version: 1\nname: names\ncontacts:\n  "+15550009001": {name: Ada}\n'
                             '  "+15550009002": {}\n'))
    assert world.contacts.get("+15550009001").name == "Ada"
    assert world.contacts.get("+15550009002").name  # a made-up one


def test_serving_the_sandbox_does_not_import_faker():
    # Faker takes about a tenth of a second to import; the sandbox names its contacts, so the
    # start-up that `wa-emulator serve` does must not pay for it (it is part of the cold start).
    import subprocess
    import sys

    code = ("import sys\nfrom wa_emulator.app import create_app\nfrom wa_emulator.cli import DEFAULT_SCENARIO\n"
            "from wa_emulator.settings import Settings\ncreate_app(Settings(port=0, scenario=DEFAULT_SCENARIO))\n"
            "print('faker' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"
