"""A printed failure schedule, saved as a file, replays exactly on `wa-emulator serve --scenario FILE` with
nothing but the client's own subscribe, sends and one clock move (the commands its comments name)."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.strategies.clients import Harness, parse
from wa_emulator.testing import Emulator
from wa_emulator.testing.schedules import Event, Schedule, SentMessage, StatusStep
from wa_emulator.testing.strategies import play

SCHEDULE = Schedule(
    "wazapin",
    (SentMessage("m-1", "+15550170001", (StatusStep("sent", 1.0), StatusStep("delivered", 2.0),
                                          StatusStep("read", 3.0))),),
    (Event("m-1", "sent", failures=2), Event("m-1", "delivered"), Event("x-1", "sent"),
     Event("m-1", "read", delay=2.0), Event("x-1", "delivered", delay=4.0)),
    seed=9,
)


class Remote:
    """What the test harness needs of an emulator, for one served by another process."""

    def __init__(self, base: str) -> None:
        self.base = base

    def url(self, provider: str) -> str:
        return f"{self.base}/{provider}"


@contextmanager
def served(scenario: Path) -> Iterator[str]:
    """`wa-emulator serve --scenario FILE` on an ephemeral loopback port; its base URL; stopped on exit."""
    with subprocess.Popen(
        [sys.executable, "-m", "wa_emulator", "serve", "--port", "0", "--scenario", str(scenario),
         "--webhook-destinations", "loopback"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:
        try:
            banner = ""
            for line in process.stdout:  # type: ignore[union-attr]
                banner += line
                if line.startswith("Ctrl-C"):
                    break
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
            assert match, banner + process.stderr.read()  # type: ignore[union-attr]
            yield match.group(1)
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


async def in_process() -> tuple[list[tuple[str, str]], str, dict[str, str]]:
    """The schedule played by the strategy: what the receiver got (message id, status), its YAML, the ids."""
    got: list[tuple[str, str]] = []
    async with Emulator() as emulator:
        harness = Harness(emulator, "wazapin")
        played = await play(emulator, SCHEDULE, send=harness.send, subscribe=harness.subscribe,
                            handle=lambda body: got.append(parse("wazapin", body)))
    return got, played.yaml, played.ids


async def over_http(base: str, yaml_text: str) -> list[tuple[str, str]]:
    """A plain client does what the scenario's comments say: subscribe, send m-1, move the clock."""
    got: list[tuple[str, str]] = []

    async def receive(request: web.Request) -> web.Response:
        got.append(parse("wazapin", json.loads(await request.read())))
        return web.Response(status=200)  # a healthy receiver: the scenario fails the attempts it must

    app = web.Application()
    app.router.add_post("/webhooks", receive)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        harness = Harness(Remote(base), "wazapin")  # type: ignore[arg-type]
        await harness.subscribe(f"http://127.0.0.1:{runner.addresses[0][1]}/webhooks")
        await harness.send(SCHEDULE.messages[0])
        seconds = int(re.search(r'clock/advance \{"seconds": (\d+)\}', yaml_text).group(1))  # type: ignore[union-attr]
        async with aiohttp.ClientSession() as http, http.post(
                f"{base}/_emulator/clock/advance", json={"seconds": seconds}) as answer:
            assert answer.status == 200, await answer.text()
    finally:
        await runner.cleanup()
    return got


def test_a_printed_failure_schedule_replays_exactly_on_a_served_scenario_file(tmp_path: Path) -> None:
    expected, yaml_text, ids = asyncio.run(in_process())
    assert "fail_attempts: 2" in yaml_text and "send: {provider: wazapin" in yaml_text
    m1, x1 = ids["m-1"], ids["x-1"]
    # The strategy's receiver saw m-1's sent three times (two attempts counted failed, then the retry).
    assert expected.count((m1, "sent")) == 3 and (x1, "delivered") in expected
    path = tmp_path / "schedule.yaml"
    path.write_text(yaml_text)
    with served(path) as base:
        got = asyncio.run(over_http(base, yaml_text))
    assert got == expected  # the same ids (the scenario's seed), the same requests, in the same order


