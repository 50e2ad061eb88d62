"""``--wa-coverage-url``: the report read from a server started with ``wa-emulator serve`` (journal, delivery
log, messages and contacts through its control API), as a CI job that runs its suite against one does."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cli.serving import Served, serving
from tests.plugin.conftest import INI, entry_point_installed
from wa_emulator.providers.mojeeb import sandbox as mojeeb
from wa_emulator.providers.wazapin import sandbox as wazapin
from wa_emulator.testing.coverage import URL_VARIABLE


class _Accept(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    """A webhook receiver on 127.0.0.1 that accepts everything."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Accept)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
    thread.join()


def exercise(served: Served, receiver: str) -> None:
    """What a client suite did against the server: a Mojeeb text outside the window, polled; a bad key;
    a Wazapin template whose delivered webhook came twice."""
    bearer = {"Authorization": f"Bearer {mojeeb.KEY_FULL}"}
    text = {"agent_id": mojeeb.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567", "text": {"body": "Hi"}}
    status, sent = served.call("POST", "/mojeeb/v1/whatsapp/messages", text, bearer)
    assert status == 202, sent
    key = {"X-Api-Key": wazapin.KEY_FULL}
    hook = {"url": receiver, "events": ["message.status_update"]}
    assert served.call("POST", "/wazapin/v1/settings/developer/webhooks/endpoints", hook, key)[0] == 201
    template = {"channel_id": wazapin.CHANNEL_MAIN, "to": "6281234567890", "type": "template",
                "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}
    status, record = served.call("POST", "/wazapin/v1/messages", template, key)
    assert status == 201, record
    directive = {"message_id": record["data"]["id"], "status": "delivered", "duplicate": 1}
    assert served.call("POST", "/_emulator/webhooks/directives", directive)[0] == 201
    assert served.call("POST", "/_emulator/clock/advance", {"seconds": 60})[0] == 200
    status, polled = served.call("GET", f"/mojeeb/v1/whatsapp/messages/{sent['id']}", headers=bearer)
    assert (status, polled["status"]) == (200, "failed")
    assert served.call("GET", "/mojeeb/v1/whatsapp/messages/x", headers={"Authorization": "Bearer no"})[0] == 401


def run_suite(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makeini(INI)
    pytester.makepyfile(test_user="def test_the_suite_ran_against_the_server():\n    pass\n")
    plugin = [] if entry_point_installed() else ["-p", "wa_emulator.testing.pytest_plugin"]
    return pytester.runpytest(*plugin, "-q", "-p", "no:cacheprovider", *args)


def test_a_served_emulator_is_read_through_its_control_api(pytester, receiver, tmp_path, monkeypatch):
    out = tmp_path / "coverage.json"
    with serving() as served:
        exercise(served, receiver)
        monkeypatch.setenv(URL_VARIABLE, f"http://127.0.0.1:{served.port}")  # the variable, as CI would set it
        result = run_suite(pytester, "--wa-coverage", "--wa-coverage-json", str(out))
        assert served.stop() == 0
    result.assert_outcomes(passed=1)
    report = json.loads(out.read_text())
    assert report["emulators"] == 1
    mojeeb_met = report["providers"]["mojeeb"]["met"]
    assert (mojeeb_met["statuses"], mojeeb_met["error_codes"]) == (["failed"], ["131047"])
    assert (mojeeb_met["world_rules"], mojeeb_met["http_errors"]) == (["24-hour window closed"], ["401"])
    wazapin_met = report["providers"]["wazapin"]["met"]
    assert wazapin_met["statuses"] == ["sent", "delivered", "read"]
    assert wazapin_met["webhook_orderings"] == ["in order", "duplicated"]
    assert "wazapin: " in result.stdout.str() and "met: in order, duplicated" in result.stdout.str()


def test_the_option_names_the_server_and_an_unreachable_one_fails_the_run_in_one_line(pytester):
    with serving() as served:
        url = f"http://127.0.0.1:{served.port}"
        served.stop()
    result = run_suite(pytester, "--wa-coverage", "--wa-coverage-url", url)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    [line] = [line for line in result.stdout.lines if "could not read" in line]
    assert line.startswith(f"wa-emulator coverage: could not read {url}: GET {url}/_emulator/messages failed")
