"""Cold start: from launching ``wa-emulator serve`` to its first 200, against a bare aiohttp server."""

from __future__ import annotations

import http.client
import socket
import statistics
import subprocess
import sys
import time

from .processes import stop
from .table import Row

BARE = """
import asyncio, sys
from aiohttp import web
async def main():
    app = web.Application()
    app.router.add_get("/_emulator/health", lambda request: web.json_response({"status": "ok"}))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(sys.argv[1])).start()
    await asyncio.Event().wait()
factory = None
if sys.argv[2] == "uvloop":
    import uvloop
    factory = uvloop.new_event_loop
with asyncio.Runner(loop_factory=factory) as runner:
    runner.run(main())
"""
DEADLINE = 20.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _first_200(command: list[str], port: int) -> float:
    """Seconds from spawning ``command`` until GET /_emulator/health answers 200."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < DEADLINE:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/_emulator/health")
                if connection.getresponse().status == 200:
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.002)
            finally:
                connection.close()
        raise TimeoutError(f"{command} did not answer within {DEADLINE:g}s")
    finally:
        stop(process)


def measure(loop: str, repeats: int = 5) -> Row:
    """Median of ``repeats`` cold starts of ``serve`` and of a bare aiohttp server, same interpreter."""
    def median(build: object) -> float:
        timings = []
        for _ in range(repeats):
            port = _free_port()
            timings.append(_first_200(build(port), port))  # type: ignore[operator]
        return statistics.median(timings)

    ours = median(lambda port: [sys.executable, "-m", "wa_emulator", "serve", "--port", str(port), "--clock", "manual",
                                "--loop", loop])
    bare = median(lambda port: [sys.executable, "-c", BARE, str(port), loop])
    return Row(loop, "cold start of serve to first 200 (median)", "s", ours, bare, "bare aiohttp server",
               "<= 0.5 s", lambda r: r.value <= 0.5)
