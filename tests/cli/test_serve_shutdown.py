"""Stopping ``serve``: requests and webhooks get a grace period, then one line says what was left."""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import threading

import pytest

from wa_emulator.providers.wazapin import sandbox

from .serving import serving

WEBHOOKS = "/wazapin/v1/settings/developer/webhooks/endpoints"
KEY = {"X-Api-Key": sandbox.KEY_FULL}
TEXT = {"channel_id": sandbox.CHANNEL_MAIN, "to": "6281234567890", "type": "text", "content": {"text": "Halo!"}}


class Silent:
    """A loopback webhook receiver that takes requests and never answers them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"
        self.got_one = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            self.got_one.set()

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_waits_the_grace_then_reports_what_was_pending_and_exits_0(sig):
    receiver = Silent()
    try:
        with serving("--shutdown-grace", "1") as served:
            assert served.call("POST", WEBHOOKS, {"url": receiver.url, "events": ["message.status_update"]},
                               KEY)[0] == 201
            for _ in range(3):
                assert served.call("POST", "/wazapin/v1/messages", TEXT, KEY)[0] == 201
            # An advance that waits for a webhook the receiver never answers: in flight when the signal comes.
            advance = threading.Thread(target=lambda: _quietly(served.call, "POST", "/_emulator/clock/advance",
                                                               {"seconds": 60}, timeout=60), daemon=True)
            advance.start()
            assert receiver.got_one.wait(30)
            _, deliveries = served.call("GET", "/_emulator/webhooks/deliveries?state=pending")
            _, clock = served.call("GET", "/_emulator/clock")
            pending, timers = len(deliveries["data"]), clock["pending_timers"]
            assert pending >= 1
            assert served.stop(sig, timeout=60) == 0  # generous: the grace is 1 s
            advance.join(30)
    finally:
        receiver.close()
    lines = [line for line in served.err.splitlines() if line.startswith("wa-emulator: stopped")]
    assert len(lines) == 1, served.err
    delivery_word = "delivery" if pending == 1 else "deliveries"
    assert re.search(rf"\b{pending} webhook {delivery_word} still pending, {timers} timers? pending", lines[0]), lines
    assert "Traceback" not in served.err, served.err


def _quietly(call, *args, **kw) -> None:
    with contextlib.suppress(OSError):  # the server stopped under it: that is the point
        call(*args, **kw)


def test_with_nothing_pending_it_stops_at_once_and_says_so():
    with serving() as served:
        assert served.stop(signal.SIGTERM) == 0
    expected = "wa-emulator: stopped; 0 webhook deliveries still pending, 0 timers pending on the manual clock"
    assert expected in served.err
