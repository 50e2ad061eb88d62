"""``--wa-coverage``: a user's suite run under pytester, and the report it prints and writes."""

from __future__ import annotations

import json

import pytest

from tests.plugin.conftest import INI, entry_point_installed

USER_SUITE = '''
import aiohttp, requests
from wa_emulator.providers.mojeeb import sandbox as mojeeb
from wa_emulator.providers.wazapin import sandbox as wazapin

MOJEEB = {"Authorization": f"Bearer {mojeeb.KEY_FULL}"}
TEXT = {"agent_id": mojeeb.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567", "text": {"body": "Hi"}}
WAZAPIN = {"X-Api-Key": wazapin.KEY_FULL}
TEMPLATE = {"channel_id": wazapin.CHANNEL_MAIN, "to": "6281234567890", "type": "template",
            "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}

async def test_mojeeb_window_closed_and_a_bad_key(wa_emulator):
    base = wa_emulator.url("mojeeb")
    async with aiohttp.ClientSession() as http:
        async with http.post(base + "/v1/whatsapp/messages", json=TEXT, headers=MOJEEB) as answer:
            message_id = (await answer.json())["id"]
        await wa_emulator.advance(5)
        async with http.get(base + f"/v1/whatsapp/messages/{message_id}", headers=MOJEEB) as answer:
            assert (await answer.json())["status"] == "failed"
        async with http.get(base + "/v1/whatsapp/messages/x", headers={"Authorization": "Bearer nope"}) as answer:
            assert answer.status == 401

async def test_wazapin_webhooks_reordered_and_retried(wa_emulator, wa_webhook_sink):
    base = wa_emulator.url("wazapin")
    async with aiohttp.ClientSession() as http:
        hook = {"url": wa_webhook_sink.url, "events": ["message.status_update"]}
        async with http.post(base + "/v1/settings/developer/webhooks/endpoints", json=hook, headers=WAZAPIN) as a:
            assert a.status == 201
        async with http.post(base + "/v1/messages", json=TEMPLATE, headers=WAZAPIN) as answer:
            message_id = (await answer.json())["data"]["id"]
        directive = {"message_id": message_id, "status": "delivered", "delay": "20s"}
        async with http.post(wa_emulator.base_url + "/_emulator/webhooks/directives", json=directive) as answer:
            assert answer.status == 201
    wa_webhook_sink.fail(times=1)         # the first webhook (sent) fails once and is retried
    await wa_emulator.advance(60)
    assert wa_webhook_sink.statuses(message_id) == ["sent", "read", "delivered"]

def test_sync_client_meets_a_404(wa_emulator_sync):
    answer = requests.get(wa_emulator_sync.url("mojeeb") + "/v1/whatsapp/messages/missing", headers=MOJEEB)
    assert answer.status_code == 404
'''


@pytest.fixture
def run_suite(pytester: pytest.Pytester):
    """Run USER_SUITE with extra options; returns the result."""

    def run(*args: str) -> pytest.RunResult:
        pytester.makeini(INI)
        pytester.makepyfile(test_user=USER_SUITE)
        plugin = [] if entry_point_installed() else ["-p", "wa_emulator.testing.pytest_plugin"]
        return pytester.runpytest(*plugin, "-q", "-p", "no:cacheprovider", *args)

    return run


def test_the_report_names_what_each_provider_met_and_never_met(run_suite, tmp_path):
    out = tmp_path / "coverage.json"
    result = run_suite("--wa-coverage", "--wa-coverage-json", str(out))
    result.assert_outcomes(passed=3)
    text = result.stdout.str()
    assert "wa-emulator coverage" in text
    assert "qlara: not called by the suite" in text
    report = json.loads(out.read_text())
    assert report["emulators"] == 3  # two async fixtures and the threaded one, each read at teardown

    mojeeb = report["providers"]["mojeeb"]
    assert mojeeb["met"]["statuses"] == ["failed"]                        # polled once, after it failed
    assert "queued" in mojeeb["never"]["statuses"] and "read" in mojeeb["never"]["statuses"]
    assert mojeeb["met"]["error_codes"] == ["131047"]
    assert mojeeb["met"]["world_rules"] == ["24-hour window closed"]
    assert mojeeb["met"]["http_errors"] == ["401", "404"]
    assert {"403", "409", "422", "429", "5xx"} <= set(mojeeb["never"]["http_errors"])
    assert mojeeb["possible"]["webhook_orderings"] == []                  # Mojeeb only polls

    wazapin = report["providers"]["wazapin"]
    assert wazapin["met"]["statuses"] == ["sent", "delivered", "read"]
    assert wazapin["met"]["webhook_orderings"] == ["reordered", "retried"]
    assert wazapin["never"]["webhook_orderings"] == ["in order", "duplicated", "dropped"]
    assert wazapin["met"]["http_errors"] == []
    assert report["providers"]["qlara"]["used"] is False

    # The printed lines say the same, per provider and category.
    assert f"mojeeb: {mojeeb['met_count']} of {mojeeb['possible_count']} ({mojeeb['percent']:g}%)" in text
    assert "met: reordered, retried" in text
    assert "never met: in order, duplicated, dropped" in text
    overall = (mojeeb["met_count"] + wazapin["met_count"]) / (mojeeb["possible_count"] + wazapin["possible_count"])
    assert report["percent"] == round(100 * overall, 1)


def test_a_threshold_fails_a_green_run_under_it_and_passes_one_over_it(run_suite):
    under = run_suite("--wa-coverage-min", "99")
    under.assert_outcomes(passed=3)
    assert under.ret == pytest.ExitCode.TESTS_FAILED
    assert "under the required 99% (--wa-coverage-min)" in under.stdout.str()
    assert "wa-emulator coverage ===" not in under.stdout.str()   # the threshold alone does not print the table

    over = run_suite("--wa-coverage-min", "5")
    assert over.ret == pytest.ExitCode.OK


def test_without_the_option_nothing_is_collected_or_printed(run_suite):
    result = run_suite()
    assert result.ret == pytest.ExitCode.OK
    assert "wa-emulator coverage" not in result.stdout.str()


def test_a_helper_s_own_emulator_is_counted_through_collect_active(run_suite, pytester, tmp_path):
    pytester.makepyfile(test_helper='''
from wa_emulator.testing import Emulator
from wa_emulator.testing.coverage import collect_active

async def test_an_emulator_no_fixture_owns():
    async with Emulator() as emulator:
        import aiohttp
        async with aiohttp.ClientSession() as http, http.get(emulator.url("qlara") + "/nowhere") as answer:
            assert answer.status in (401, 404)
        collect_active(emulator)
''')
    out = tmp_path / "coverage.json"
    run_suite("--wa-coverage-json", str(out)).assert_outcomes(passed=4)
    qlara = json.loads(out.read_text())["providers"]["qlara"]
    assert qlara["used"] is True and qlara["met"]["http_errors"] in (["401"], ["404"])


def test_bad_option_values_are_one_readable_line_not_a_traceback(run_suite, tmp_path):
    over = run_suite("--wa-coverage-min", "150")
    assert over.ret == pytest.ExitCode.USAGE_ERROR
    assert "--wa-coverage-min must be a percentage from 0 to 100, got 150" in over.stderr.str()

    unwritable = run_suite("--wa-coverage-json", str(tmp_path / "missing" / "report.json"))
    unwritable.assert_outcomes(passed=3)
    assert unwritable.ret == pytest.ExitCode.TESTS_FAILED
    assert "cannot write --wa-coverage-json" in unwritable.stdout.str()
    assert "Traceback" not in unwritable.stdout.str() + unwritable.stderr.str()
