"""Emulators to drive through the one control interface: in-process, remote to in-process, remote to the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from wa_emulator.testing import AsyncRemoteEmulator, RemoteEmulator, ThreadedEmulator
from wa_emulator.testing.threaded import AsyncLocalEmulator


@pytest.fixture(scope="session")
def threaded() -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(scenario="sandbox") as emu:
        yield emu


@pytest.fixture(scope="session")
def cli_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server started the way CI starts one: ``wa-emulator serve --port 0``; its URL read from the banner.

    Its output goes to a file, not a pipe: a server that logs every call must never block on a full pipe."""
    log = tmp_path_factory.mktemp("cli") / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "wa_emulator", "serve", "--port", "0", "--clock", "manual",
             "--webhook-destinations", "loopback"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())):
            assert process.poll() is None and time.monotonic() < deadline, f"serve did not start: {log.read_text()}"
            time.sleep(0.02)
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["in-process", "remote", "cli"])
def control(request: pytest.FixtureRequest, threaded: ThreadedEmulator):
    """The blocking interface three ways, each reset to the sandbox's start."""
    if request.param == "in-process":
        emu = threaded
    elif request.param == "remote":
        emu = RemoteEmulator(threaded.base_url)
    else:
        emu = RemoteEmulator(request.getfixturevalue("cli_url"))
    emu.reset()
    return emu


@pytest.fixture(params=["in-process", "remote", "cli"])
async def acontrol(request: pytest.FixtureRequest, threaded: ThreadedEmulator):
    """The awaited interface three ways, each reset to the sandbox's start."""
    if request.param == "in-process":
        emu = AsyncLocalEmulator(threaded)
        await emu.reset()
        yield emu
        return
    url = threaded.base_url if request.param == "remote" else request.getfixturevalue("cli_url")
    async with AsyncRemoteEmulator(url) as remote:
        await remote.reset()
        yield remote
