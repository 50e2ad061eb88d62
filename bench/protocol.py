"""CPU per request without sockets: aiohttp's own protocol fed raw HTTP in this process.

wrk's figures are the benchmark; this is the profiling bench beside it. Raw requests are
written straight into aiohttp's request handler over an in-memory transport, 50 pipelined at a
time, so a run measures parsing, routing, the emulator's work and response writing, but no
system calls and no load generator competing for the CPU. It is much steadier than wrk on a
busy machine, which makes before/after comparisons of one change possible, and it runs under
cProfile with only this process's frames in the profile.

``python -m bench.protocol`` prints every provider's status and send route against the
ceiling, and the floor beside them (the emulator's route tables and front doors answering
stored bytes: what its structure costs without its behaviour).
``python -m bench.protocol mojeeb-send --profile tottime`` profiles one route.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from typing import Any

from aiohttp import web

from wa_emulator.cli import tune_gc

from .calls import CALLS
from .server import ceiling_app, emulator_app, floor_app, record

PIPELINE = 50  # requests written at once, like wrk's 50 connections each with one in flight


class MemoryTransport(asyncio.Transport):
    """Counts the responses written to it and wakes a waiter when enough have arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.responses = 0
        self.failures = 0  # responses whose status is not 2xx
        self.wanted = 0
        self.waiter: asyncio.Future[None] | None = None
        self.closing = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8066)}.get(name, default)

    def write(self, data: Any) -> None:
        # Every response starts its head with the status line; bodies here are JSON, never that text.
        data = bytes(data)
        self.responses += data.count(b"HTTP/1.1 ")
        self.failures += data.count(b"HTTP/1.1 ") - data.count(b"HTTP/1.1 2")
        if self.waiter is not None and self.responses >= self.wanted and not self.waiter.done():
            self.waiter.set_result(None)

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True

    def get_write_buffer_size(self) -> int:
        return 0

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def can_write_eof(self) -> bool:
        return False


def raw_request(method: str, path: str, headers: dict[str, str], body: bytes | None) -> bytes:
    """One HTTP/1.1 request as bytes.

    >>> raw_request("GET", "/x", {"A": "1"}, None)
    b'GET /x HTTP/1.1\\r\\nHost: 127.0.0.1:8066\\r\\nA: 1\\r\\n\\r\\n'
    """
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1:8066", *(f"{k}: {v}" for k, v in headers.items())]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


async def started(app: web.Application) -> tuple[web.AppRunner, int]:
    """``app`` running on 127.0.0.1 at an ephemeral port (so it can record its messages over HTTP)."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


async def cpu_per_request(runner: web.AppRunner, request: bytes, count: int,
                          profiler: cProfile.Profile | None = None) -> float:
    """Microseconds of this process's CPU per request while ``runner``'s app answers ``count`` copies of
    ``request``, written into a new connection of its own server."""
    assert runner.server is not None
    protocol = runner.server()
    transport = MemoryTransport()
    protocol.connection_made(transport)
    loop = asyncio.get_running_loop()

    async def answer(total: int) -> None:
        done = 0
        while done < total:
            batch = min(PIPELINE, total - done)
            transport.wanted = transport.responses + batch
            transport.waiter = loop.create_future()
            protocol.data_received(request * batch)
            await transport.waiter
            done += batch

    try:
        await answer(min(500, count))  # warm up: caches, first-use lookups
        if profiler is not None:
            profiler.enable()
        began = time.process_time()
        await answer(count)
        spent = time.process_time() - began
        if profiler is not None:
            profiler.disable()
    finally:
        protocol.connection_lost(None)
    if transport.failures:
        raise RuntimeError(f"{transport.failures} of {transport.responses} answers were not 2xx: not the route meant")
    return spent / count * 1e6


def route_request(entry: dict[str, Any], kind: str) -> bytes:
    """The raw request for a provider's recorded ``status`` lookup or ``send`` (see ``server.record``)."""
    method, path, body = (("GET", entry["status_path"], None) if kind == "status"
                          else ("POST", entry["send_path"], entry["send_request"].encode()))
    headers = dict(entry["auth"], **({"Content-Type": "application/json"} if body else {}))
    return raw_request(method, path, headers, body)


async def measure(routes: list[str], sort: str | None, rounds: int) -> None:
    """Print each chosen route's CPU per request, emulator and ceiling, the best of ``rounds`` runs."""
    tune_gc()  # what `wa-emulator serve` does
    for name in CALLS:
        for label in ("status", "send"):
            if routes and f"{name}-{label}" not in routes:
                continue
            ours, floor, ceiling = [], [], []
            profiler = cProfile.Profile() if sort else None
            for _ in range(rounds):  # the best of each counts: the run least disturbed by other work
                app = emulator_app()
                runner, port = await started(app)
                try:
                    request = route_request((recorded := await record(app, port))[name], label)
                    count = 10_000 if label == "send" else 20_000
                    ours.append(await cpu_per_request(runner, request, count, profiler))
                finally:
                    await runner.cleanup()
                for baseline, figures in ((floor_app(recorded), floor), (ceiling_app(recorded), ceiling)):
                    runner, _ = await started(baseline)
                    try:
                        figures.append(await cpu_per_request(runner, request, count))
                    finally:
                        await runner.cleanup()
            print(f"{name} {label:6s}  emulator {min(ours):6.1f} us  floor {min(floor):5.1f} us  "
                  f"ceiling {min(ceiling):5.1f} us  ratio x{min(ceiling) / min(ours):.2f}", flush=True)
            if profiler is not None:
                pstats.Stats(profiler).sort_stats(sort).print_stats(40)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.protocol", description=__doc__.split("\n\n")[0])
    parser.add_argument("routes", nargs="*", help="provider-kind, e.g. mojeeb-status qlara-send (default: all)")
    parser.add_argument("--profile", metavar="SORT", help="cProfile the emulator's runs, sorted by SORT "
                        "(tottime, cumulative)")
    parser.add_argument("--rounds", type=int, default=2, help="runs per route; the best counts (default 2)")
    args = parser.parse_args(argv)
    asyncio.run(measure(args.routes, args.profile, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
