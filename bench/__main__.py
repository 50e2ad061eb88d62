"""``python -m bench``: run every benchmark and print one table (see README, "Benchmarks").

Options: ``--seconds N`` per wrk run (default 5), ``--quick`` (2 s runs, memory at 100k only),
``--loops asyncio,uvloop``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time

from . import coldstart, http_load, inprocess, loops, memory, wrk
from .table import Row, render

BASELINES = {
    "ceiling": "a bare aiohttp handler answering the same bytes from a dict (parsing the JSON body on POST)",
    "bare aiohttp server": "a minimal aiohttp server process with one route, same interpreter and loop",
    "bare aiohttp app": "an aiohttp AppRunner with one route started and stopped on 127.0.0.1:0",
    "same calls, clock still": "the same HTTP calls with every advance() of 0 s",
    "bare aiohttp client": "aiohttp.ClientSession POSTing the same bodies with the same connection limit",
    "status JSON in a dict": "each message's status JSON as bytes in a dict keyed by id",
}


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="wa-emulator benchmarks")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each wrk run (default 5)")
    parser.add_argument("--quick", action="store_true", help="2 s runs, memory at 100k messages only")
    parser.add_argument("--loops", default=",".join(loops.available()), help="comma-separated: asyncio,uvloop")
    args = parser.parse_args(argv)
    seconds = 2.0 if args.quick else args.seconds
    chosen = [name for name in args.loops.split(",") if name]
    print(f"machine:   {machine()}")
    print(f"generator: {wrk.generator()}, {http_load.CONNECTIONS} keep-alive connections, {seconds:g} s per run")
    print("note:      the emulator runs from bench/server.py with every sandbox key's rate limit raised to "
          f"{__import__('bench.server').server.RATE_LIMIT:,}/min (Mojeeb's 60/min, Wazapin's 100/min and "
          "Qlara's 1,000/min with bursts of 50/s would throttle the load)")
    print("", flush=True)
    started = time.perf_counter()
    rows: list[Row] = []
    for loop in chosen:
        rows += http_load.measure(loop, seconds)
        rows.append(coldstart.measure(loop))
        with asyncio.Runner(loop_factory=loops.factory(loop)) as runner:
            rows += runner.run(inprocess.all_rows(loop))
    for count in (100_000,) if args.quick else (100_000, 1_000_000):
        rows.append(memory.measure(count))
    print(render(rows, BASELINES))
    print(f"\n{sum(1 for r in rows if r.met(r))} of {len(rows)} targets met in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
