"""``serve`` logs one line per API call and per webhook attempt; ``--quiet`` turns both off; the banner's
control URL answers the control API's index."""

from __future__ import annotations

import re

from tests.cli.serving import Served, serving
from wa_emulator.providers.mojeeb import sandbox as mojeeb
from wa_emulator.providers.wazapin import sandbox as wazapin

TEMPLATE = {"channel_id": wazapin.CHANNEL_MAIN, "to": "6281234567890", "type": "template",
            "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}
DEAD = "http://127.0.0.1:9/hook"  # the discard port: nothing listens, every attempt fails


def _exercise(served: Served) -> None:
    status, index = served.call("GET", "/_emulator/")
    assert status == 200 and ("POST", "/_emulator/faults") in {(op["method"], op["path"]) for op in index["operations"]}
    status, _ = served.call("GET", "/mojeeb/v1/whatsapp/messages/msg_1", headers={"Authorization": "Bearer nope"})
    assert status == 401
    key = {"X-Api-Key": wazapin.KEY_FULL}
    status, _ = served.call("POST", "/wazapin/v1/settings/developer/webhooks/endpoints",
                            {"url": DEAD, "events": ["message.status_update"]}, headers=key)
    assert status == 201
    status, _ = served.call("POST", "/wazapin/v1/messages", TEMPLATE, headers=key)
    assert status == 201
    served.call("POST", "/_emulator/clock/advance", {"seconds": 5})
    for _ in range(100):  # the attempts run in the background: wait (boundedly) until one is recorded
        status, found = served.call("GET", "/_emulator/webhooks/deliveries?provider=wazapin")
        if any(d["attempts"] and d["url"] == DEAD for d in found["data"]):
            break


def test_serve_logs_each_call_and_each_webhook_attempt() -> None:
    with serving() as served:
        _exercise(served)
        served.stop()
    lines = served.err.splitlines()
    assert "call control GET /_emulator/ 200" in served.err
    logged = r"^call mojeeb GET /mojeeb/v1/whatsapp/messages/msg_1 401 \d+\.\dms$"
    assert re.search(logged, served.err, re.M), served.err
    assert re.search(r"^call wazapin POST /wazapin/v1/messages 201 ", served.err, re.M)
    attempt = [line for line in lines if line.startswith("webhook wazapin") and DEAD in line]
    assert attempt and re.fullmatch(r"webhook wazapin \S+ http://127\.0\.0\.1:9/hook attempt 1 failed \(.+\) "
                                    r"\d+\.\dms", attempt[0]), attempt
    assert mojeeb.KEY_FULL not in served.err  # a line names the call, never a credential


def test_quiet_logs_no_calls() -> None:
    with serving("--quiet") as served:
        _exercise(served)
        served.stop()
    assert not [line for line in served.err.splitlines() if line.startswith(("call ", "webhook "))], served.err
