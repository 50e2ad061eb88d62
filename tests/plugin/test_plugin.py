"""The pytest plugin, exercised the way a user's test suite uses it (pytester)."""

import importlib.metadata
import tomllib
from pathlib import Path

from tests.plugin.conftest import entry_point_installed

MOJEEB_SETUP = '''
import aiohttp, requests, pytest
from wa_emulator.providers.mojeeb import sandbox

TEMPLATE = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567",
            "template": {"name": "order_shipped", "language": "en"}}
TEXT = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567",
        "text": {"body": "Hello"}}
HEADERS = {"Authorization": f"Bearer {sandbox.KEY_FULL}"}
'''


def test_the_entry_point_names_the_plugin_module():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    plugin = "wa_emulator.testing.pytest_plugin"
    assert pyproject["project"]["entry-points"]["pytest11"] == {plugin: plugin}
    if entry_point_installed():  # under `make test` the project is installed (editable): pytest loaded it so
        assert plugin in {ep.name for ep in importlib.metadata.entry_points(group="pytest11")}


def test_inloop_fixture_runs_a_fresh_emulator_per_test_with_a_manual_clock(run_user_tests):
    result = run_user_tests(MOJEEB_SETUP + '''
PORTS = []
pytestmark = pytest.mark.wa_emulator(scenario=None)    # an empty world: no sandbox messages or contacts

async def test_send_advance_and_read_the_history(wa_emulator_inloop):
    emu = wa_emulator_inloop
    assert set(emu.urls) >= {"mojeeb"}
    async with aiohttp.ClientSession() as http:
        async with http.post(emu.url("mojeeb") + "/v1/whatsapp/templates", json=TEMPLATE,
                             headers={"Authorization": f"Bearer {emu.key('mojeeb')}"}) as response:
            assert response.status == 202
            message_id = (await response.json())["id"]
    await emu.advance(10)
    assert emu.history(message_id) == ["queued", "sent", "delivered", "read"]
    [entry] = emu.journal(provider="mojeeb")
    assert entry["status"] == 202
    PORTS.append(emu.port)

async def test_inbound_and_contact_profiles_drive_the_world_rules(wa_emulator_inloop):
    emu = wa_emulator_inloop
    assert emu.messages() == []          # nothing left over from the previous test
    assert emu.port != PORTS[0]          # a new server
    await emu.inbound("mojeeb", "+15551234567", "Where is my order?")
    emu.set_contact("+15551234567", read_receipts=False)
    async with aiohttp.ClientSession() as http:
        async with http.post(emu.url("mojeeb") + "/v1/whatsapp/messages", json=TEXT,
                             headers=HEADERS) as response:
            message_id = (await response.json())["id"]
    await emu.advance(3600)
    assert emu.history(message_id) == ["queued", "sent", "delivered"]

async def test_the_previous_server_is_gone(wa_emulator_inloop):
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"http://127.0.0.1:{PORTS[0]}/_emulator/health")
''')
    result.assert_outcomes(passed=3)


def test_sync_fixture_is_one_server_per_session_reset_before_each_test(run_user_tests):
    result = run_user_tests(MOJEEB_SETUP + '''
SEEN = []
pytestmark = pytest.mark.wa_emulator(scenario=None)

def test_first(wa_emulator_sync):
    answer = requests.post(wa_emulator_sync.url("mojeeb") + "/v1/whatsapp/templates", json=TEMPLATE,
                           headers=HEADERS, timeout=5)
    assert answer.status_code == 202
    wa_emulator_sync.advance(3)
    assert wa_emulator_sync.history(answer.json()["id"]) == ["queued", "sent", "delivered"]
    requests.post(wa_emulator_sync.base_url + "/_emulator/clock/mode", json={"mode": "scaled", "factor": 60},
                  timeout=5)
    requests.post(wa_emulator_sync.base_url + "/_emulator/faults", json={"status": 503}, timeout=5)
    SEEN.append(wa_emulator_sync.port)

def test_second(wa_emulator_sync):
    assert wa_emulator_sync.port == SEEN[0]
    assert wa_emulator_sync.messages() == [] and wa_emulator_sync.journal() == []
    clock = requests.get(wa_emulator_sync.base_url + "/_emulator/clock", timeout=5).json()
    assert clock["mode"] == "manual"
    assert requests.get(wa_emulator_sync.base_url + "/_emulator/faults", timeout=5).json()["count"] == 0
''')
    result.assert_outcomes(passed=2)


def test_the_marker_chooses_providers_and_strictness_and_refuses_unknown_ones(run_user_tests):
    result = run_user_tests('''
import pytest

@pytest.mark.wa_emulator(providers=["mojeeb"], strict=False, seed=7)
async def test_only_mojeeb(wa_emulator):
    assert list(wa_emulator.urls) == ["mojeeb"]
    assert not wa_emulator.settings.strict and wa_emulator.settings.seed == 7

@pytest.mark.wa_emulator("mojeeb")
def test_sync_too(wa_emulator_sync):
    assert list(wa_emulator_sync.urls) == ["mojeeb"]

@pytest.mark.wa_emulator(providers=["telegram"])
async def test_unknown_provider(wa_emulator):
    pass

@pytest.mark.wa_emulator(colour="red")
async def test_unknown_option(wa_emulator):
    pass
''')
    result.assert_outcomes(passed=2, errors=2)
    output = result.stdout.str()
    assert "unknown provider(s) telegram; there are: " in output and "unknown option(s) colour" in output


def test_webhook_sink_records_fails_and_reads_like_the_docs(run_user_tests):
    result = run_user_tests('''
import aiohttp, requests

async def test_async_sink(wa_webhook_sink):
    wa_webhook_sink.fail(status=503, times=1)
    async with aiohttp.ClientSession() as http:
        for status in ["sent", "sent", "delivered"]:
            async with http.post(wa_webhook_sink.url, json={"message_id": "m1", "status": status}) as response:
                await response.read()
    assert [r.answered for r in wa_webhook_sink.received] == [503, 200, 200]
    wa_webhook_sink.assert_received("m1", ["sent", "delivered"])     # the failed attempt does not count
    assert wa_webhook_sink.statuses("m1", accepted_only=False) == ["sent", "sent", "delivered"]
    assert wa_webhook_sink.events_for("other") == []

def test_sync_sink_can_be_slow(wa_webhook_sink_sync):
    wa_webhook_sink_sync.slow(0.3)
    try:
        requests.post(wa_webhook_sink_sync.url, json={"data": {"id": "m2", "status": "read"}}, timeout=0.05)
    except requests.Timeout:
        pass
    else:
        raise AssertionError("the slow sink answered in time")
    wa_webhook_sink_sync.recover()
    requests.post(wa_webhook_sink_sync.url, json={"data": {"id": "m2", "status": "read"}}, timeout=5)
    wa_webhook_sink_sync.assert_received("m2", ["read", "read"])

def test_a_mismatch_reads_clearly(wa_webhook_sink_sync):
    wa_webhook_sink_sync.assert_received("m3", ["sent"])
''')
    result.assert_outcomes(passed=2, failed=1)
    assert "webhooks for m3: expected status values ['sent'], received [] (0 request(s) in all)" in result.stdout.str()


def test_the_marker_and_load_scenario_choose_the_scenario(run_user_tests):
    result = run_user_tests(MOJEEB_SETUP + '''
PORTS = []

@pytest.mark.wa_emulator(scenario="sandbox")
def test_the_marker_installs_a_scenario(wa_emulator_sync):
    assert wa_emulator_sync.scenario.name == "sandbox"
    body = dict(TEMPLATE, to="+15550001002")            # the sandbox's "read receipts off" number
    message_id = requests.post(wa_emulator_sync.url("mojeeb") + "/v1/whatsapp/templates", json=body,
                               headers=HEADERS, timeout=5).json()["id"]
    wa_emulator_sync.advance("1d")
    assert wa_emulator_sync.history(message_id) == ["queued", "sent", "delivered"]

def test_a_test_may_load_another(wa_emulator_sync):
    assert wa_emulator_sync.scenario.name == "sandbox"    # the default: the world `serve` starts in
    PORTS.append(wa_emulator_sync.port)
    wa_emulator_sync.load_scenario("happy-path")
    assert wa_emulator_sync.scenario.name == "happy-path"

def test_and_the_next_test_starts_in_the_sandbox_again(wa_emulator_sync):
    assert wa_emulator_sync.scenario.name == "sandbox"
    assert wa_emulator_sync.port == PORTS[0]              # the same server, its scenario put back

@pytest.mark.wa_emulator(scenario=None)
def test_an_empty_world_on_request(wa_emulator_sync):
    assert wa_emulator_sync.scenario is None and wa_emulator_sync.messages() == []
    PORTS.append(wa_emulator_sync.port)
    wa_emulator_sync.load_scenario("happy-path")

@pytest.mark.wa_emulator(scenario=None)
def test_an_empty_world_cannot_keep_a_loaded_scenario(wa_emulator_sync):
    assert wa_emulator_sync.scenario is None
    assert wa_emulator_sync.port != PORTS[1]              # a fresh server: a scenario cannot be taken out

@pytest.mark.parametrize("wa_emulator", ["happy-path", None], indirect=True)
def test_a_fixture_parameter_picks_the_scenario(wa_emulator, request):
    expected = request.node.callspec.params["wa_emulator"]
    assert (wa_emulator.scenario and wa_emulator.scenario.name) == expected

async def test_async_fixture_loads_scenarios_too(wa_emulator):
    await wa_emulator.load_scenario("happy-path")
    assert wa_emulator.scenario.name == "happy-path"

@pytest.mark.wa_emulator(scenario="no-such-scenario")
def test_a_bad_scenario_is_named(wa_emulator_sync):
    pass
''')
    result.assert_outcomes(passed=8, errors=1)
    assert "@pytest.mark.wa_emulator: " in result.stdout.str() and "no-such-scenario" in result.stdout.str()
