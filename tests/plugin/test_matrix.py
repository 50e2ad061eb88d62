"""Any client with any fixture: requests, httpx (sync and async) and aiohttp × every emulator fixture ×
sync and async tests, the webhook sink with each; where a pairing cannot work it fails fast, naming the fixture."""

MATRIX = '''
import asyncio, inspect
import aiohttp, httpx, pytest, requests

MOJEEB = {"Authorization": "Bearer mk_live_SandboxAcmeFullScope01_60f53fc0cf"}   # the sandbox's own key
WAZAPIN = {"X-Api-Key": "wzp_sandbox_acme_full_0000000001"}
TEMPLATE = {"agent_id": "12345678-1234-1234-1234-123456789012", "from": "+15550100001", "to": "+15550001001",
            "template": {"name": "order_shipped", "language": "en"}}
WAZAPIN_TEMPLATE = {"channel_id": "wzp_ch_acme_main", "to": "6281234567890", "type": "template",
                    "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}
CLIENTS = ["requests", "httpx", "httpx_async", "aiohttp"]
AWAITING = {"httpx_async", "aiohttp"}

def blocking(client, method, url, body, headers):
    if client == "requests":
        answer = requests.request(method, url, json=body, headers=headers, timeout=5)
        return answer.status_code, answer.json()
    with httpx.Client(timeout=5) as http:
        answer = http.request(method, url, json=body, headers=headers)
        return answer.status_code, answer.json()

async def awaiting(client, method, url, body, headers):
    if client == "aiohttp":
        async with aiohttp.ClientSession() as http:
            async with http.request(method, url, json=body, headers=headers) as answer:
                return answer.status, await answer.json()
    async with httpx.AsyncClient(timeout=5) as http:
        answer = await http.request(method, url, json=body, headers=headers)
        return answer.status_code, answer.json()

def call_in_sync_test(client, method, url, body=None, headers=MOJEEB):
    if client in AWAITING:
        return asyncio.run(awaiting(client, method, url, body, headers))
    return blocking(client, method, url, body, headers)

async def call_in_async_test(client, method, url, body=None, headers=MOJEEB):
    if client in AWAITING:
        return await awaiting(client, method, url, body, headers)
    return blocking(client, method, url, body, headers)

async def maybe(value):
    return await value if inspect.isawaitable(value) else value

@pytest.fixture
def emu(request):
    return request.getfixturevalue(request.param)

@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("emu", ["wa_emulator", "wa_emulator_sync", "wa_emulator_inloop"], indirect=True)
def test_sync(emu, client):
    status, sent = call_in_sync_test(client, "POST", emu.url("mojeeb") + "/v1/whatsapp/templates", TEMPLATE)
    assert status == 202
    emu.advance(3)
    answer = call_in_sync_test(client, "GET", emu.url("mojeeb") + f"/v1/whatsapp/messages/{sent['id']}")
    assert answer[1]["status"] == "delivered"

@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("emu", ["wa_emulator", "wa_emulator_sync", "wa_emulator_inloop"], indirect=True)
async def test_async(emu, client):
    status, sent = await call_in_async_test(client, "POST", emu.url("mojeeb") + "/v1/whatsapp/templates", TEMPLATE)
    assert status == 202
    await maybe(emu.advance(3))
    answer = await call_in_async_test(client, "GET", emu.url("mojeeb") + f"/v1/whatsapp/messages/{sent['id']}")
    assert answer[1]["status"] == "delivered"

def _register_and_send(call, emu, sink):
    return call("aiohttp", "POST", emu.url("wazapin") + "/v1/settings/developer/webhooks/endpoints",
                {"url": sink.url, "events": ["message.status_update"]}, WAZAPIN)

@pytest.mark.parametrize("emu", ["wa_emulator", "wa_emulator_sync"], indirect=True)
def test_sink_sync(emu, wa_webhook_sink_sync):
    call_in_sync_test("requests", "POST", emu.url("wazapin") + "/v1/settings/developer/webhooks/endpoints",
                      {"url": wa_webhook_sink_sync.url, "events": ["message.status_update"]}, WAZAPIN)
    _, sent = call_in_sync_test("httpx", "POST", emu.url("wazapin") + "/v1/messages", WAZAPIN_TEMPLATE, WAZAPIN)
    emu.advance(10)
    wa_webhook_sink_sync.assert_received(sent["data"]["id"], ["sent", "delivered", "read"])
    wa_webhook_sink_sync.assert_no_unexpected()

@pytest.mark.parametrize("emu", ["wa_emulator", "wa_emulator_sync", "wa_emulator_inloop"], indirect=True)
async def test_sink_async(emu, wa_webhook_sink):
    await call_in_async_test("aiohttp", "POST", emu.url("wazapin") + "/v1/settings/developer/webhooks/endpoints",
                             {"url": wa_webhook_sink.url, "events": ["message.status_update"]}, WAZAPIN)
    _, sent = await call_in_async_test("httpx_async", "POST", emu.url("wazapin") + "/v1/messages",
                                       WAZAPIN_TEMPLATE, WAZAPIN)
    await maybe(emu.advance(10))
    wa_webhook_sink.assert_received(sent["data"]["id"], ["sent", "delivered", "read"])
    wa_webhook_sink.assert_no_unexpected()
'''


def test_every_client_with_every_fixture_in_sync_and_async_tests(run_user_tests):
    result = run_user_tests(MATRIX, "-rfE")
    output = result.stdout.str()
    # 4 clients × (2 fixtures in sync tests + 3 in async ones), minus the 2 blocking clients on the in-loop one;
    # the sink with both emulator fixtures in sync tests and all three in async ones.
    result.assert_outcomes(passed=4 * 2 + 4 * 3 - 2 + 2 + 3, failed=2, errors=4)
    failed = sorted(line.split(" ")[1] for line in output.splitlines() if line.startswith("FAILED"))
    assert failed == ["test_user.py::test_async[wa_emulator_inloop-httpx]",
                      "test_user.py::test_async[wa_emulator_inloop-requests]"]
    # Not the client's own timeout (5 s): the guard's one line, naming the fixture to use instead.
    assert output.count("BlockingClientError: a blocking client (requests, httpx.Client…) called wa_emulator_inloop, "
                        "which serves on this test's own event loop: use the wa_emulator fixture") == 2
    refused = [line.split(" ")[1] for line in output.splitlines() if line.startswith("ERROR")]
    assert len(refused) == 4 and all("test_sync[wa_emulator_inloop-" in name for name in refused)
    assert output.count("wa_emulator_inloop serves on the test's event loop and needs an `async def` test; "
                        "use wa_emulator (any client, any test)") == 4
