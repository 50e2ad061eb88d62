"""Instructions per request, counted by valgrind: the figure a busy machine cannot move.

Timings on a shared machine swing by a third from one run to the next, too much to see a
change of a few percent. Valgrind's callgrind counts every instruction a process executes,
so the same code gives the same count whatever else the machine is doing. Each target runs
twice in a child process under callgrind, answering N and then 5N requests after the same
start-up; the difference divided by 4N is what one request costs, with start-up and warm-up
cancelled out. Python salts its string hashes per process, which moves a count by up to a few
percent (dict layouts change), so every child runs with the same ``PYTHONHASHSEED`` (0 unless
``--hash-seed`` says otherwise); a change is measured at two seeds to tell it from that.

Targets, for each provider's status lookup and send:

- ``emulator``: the sandbox on a manual clock. The looked-up message has walked its whole
  timeline (it is read), and after a send run the clock is advanced past the timeline again,
  so a send's count includes every lifecycle step it causes.
- ``floor``: the emulator's own route tables and front doors answering stored bytes
  (``bench.server.floor_app``). It is the price of the emulator's structure, without its
  behaviour.
- ``ceiling``: the bare aiohttp handler the wrk benchmark compares against.

``python -m bench.instructions`` measures every route (about ten minutes on an idle 2-CPU
machine, most of it spent starting Python under valgrind); ``python -m bench.instructions mojeeb-status``
measures one. Needs ``valgrind`` on the PATH (Debian: ``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from wa_emulator.cli import tune_gc
from wa_emulator.core.clock import MANUAL_CLOCK
from wa_emulator.core.lifecycle import DEFAULT_TIMELINE
from wa_emulator.web import keys

from .calls import CALLS
from .protocol import cpu_per_request, route_request, started
from .server import ceiling_app, emulator_app, floor_app, record

TARGETS = ("emulator", "floor", "ceiling")
KINDS = ("status", "send")
REQUESTS = 500  # the short run; the long run answers five times as many
TIMELINE_SECONDS = sum(step.after for step in DEFAULT_TIMELINE) + 1  # every default step falls due
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


@dataclass(frozen=True)
class Count:
    """Instructions per request of one target on one route."""

    route: str  # "mojeeb-status"
    target: str
    per_request: float


def per_request(short_total: int, long_total: int, requests: int) -> float:
    """Instructions one request costs, from a run of ``requests`` and one of five times as many.

    >>> per_request(1_000_000, 1_800_000, 100)
    2000.0
    """
    return (long_total - short_total) / (4 * requests)


def collected(report: str) -> int:
    """The instruction total in callgrind's closing report.

    >>> collected("==12== Events    : Ir\\n==12== Collected : 2382568787\\n")
    2382568787
    """
    found = _COLLECTED.search(report)
    if found is None:
        raise RuntimeError(f"callgrind printed no instruction total:\n{report[-2000:]}")
    return int(found.group(1))


async def answer(target: str, route: str, requests: int) -> web.Application:
    """Serve ``requests`` copies of ``route``'s request from ``target`` (what each child process runs).

    Returns the emulator's app (stopped), whose world shows what the requests did.
    """
    tune_gc()  # what `wa-emulator serve` does
    provider, kind = route.rsplit("-", 1)
    app = emulator_app(MANUAL_CLOCK)
    runner, port = await started(app)
    recorded = await record(app, port)
    # The looked-up message walks its whole timeline first, so a lookup renders a read message (its
    # fullest body, and what a polling client ends on), and the baselines answer those same bytes.
    await app[keys.world].clock.advance(TIMELINE_SECONDS)
    entry = recorded[provider]
    entry["status_body"] = await _fetched(port, entry["status_path"], entry["auth"])
    request = route_request(entry, kind)
    if target != "emulator":
        await runner.cleanup()
        runner, _ = await started(ceiling_app(recorded) if target == "ceiling" else floor_app(recorded))
    try:
        await cpu_per_request(runner, request, requests)
        if target == "emulator":
            # Every step the sends scheduled, fired: part of what a send costs, only later.
            await app[keys.world].clock.advance(TIMELINE_SECONDS)
    finally:
        await runner.cleanup()
    return app


async def _fetched(port: int, path: str, headers: dict[str, str]) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}", headers=headers) as got:
        if got.status != 200:
            raise RuntimeError(f"GET {path} answered {got.status}")
        return await got.text()


def _run_counted(target: str, route: str, requests: int, hash_seed: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, "-m", "bench.instructions", "--child", target, route, str(requests)]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONHASHSEED=str(hash_seed)))
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr[-2000:]}")
    return collected(done.stderr)


def count(target: str, route: str, requests: int = REQUESTS, hash_seed: int = 0) -> Count:
    """Instructions per request of ``target`` answering ``route`` (two runs under callgrind)."""
    short_total = _run_counted(target, route, requests, hash_seed)
    long_total = _run_counted(target, route, 5 * requests, hash_seed)
    return Count(route, target, per_request(short_total, long_total, requests))


def table(counts: list[Count]) -> str:
    """Each route's counts side by side, with the emulator's and the floor's share of the ceiling.

    >>> print(table([Count("a-status", "emulator", 300e3), Count("a-status", "floor", 210e3),
    ...              Count("a-status", "ceiling", 190e3)]))
    | route    | emulator | floor | ceiling | ceiling / emulator | ceiling / floor |
    |----------|----------|-------|---------|--------------------|-----------------|
    | a-status | 300k     | 210k  | 190k    | x0.63              | x0.90           |
    """
    by_route: dict[str, dict[str, float]] = {}
    for found in counts:
        by_route.setdefault(found.route, {})[found.target] = found.per_request
    header = ("route", "emulator", "floor", "ceiling", "ceiling / emulator", "ceiling / floor")
    rows = [header]
    for route, figures in by_route.items():
        rows.append((route, *(f"{figures[t] / 1000:.0f}k" if t in figures else "-" for t in TARGETS),
                     _share(figures, "emulator"), _share(figures, "floor")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
             for row in rows]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def _share(figures: dict[str, float], target: str) -> str:
    ceiling, own = figures.get("ceiling"), figures.get(target)
    return f"x{ceiling / own:.2f}" if ceiling and own else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.split("\n\n")[0])
    parser.add_argument("routes", nargs="*", help="provider-kind, e.g. mojeeb-status qlara-send (default: all)")
    parser.add_argument("--requests", type=int, default=REQUESTS, help=f"the short run's requests (default "
                        f"{REQUESTS}; the long run answers five times as many)")
    parser.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS))
    parser.add_argument("--hash-seed", type=int, default=0, help="PYTHONHASHSEED of every run (default 0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="callgrind runs at once (counts do not depend on it)")
    parser.add_argument("--child", nargs=3, metavar=("TARGET", "ROUTE", "REQUESTS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        target, route, requests = args.child
        asyncio.run(answer(target, route, int(requests)))
        return 0
    known = [f"{name}-{kind}" for name in CALLS for kind in KINDS]
    unknown = sorted(set(args.routes) - set(known))
    if unknown:
        parser.error(f"unknown route(s) {', '.join(unknown)}; there are: {', '.join(known)}")
    if shutil.which("valgrind") is None:
        print("bench.instructions needs valgrind on the PATH (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    work = [(target, route) for route in (args.routes or known) for target in args.targets]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        counts = list(pool.map(lambda job: count(job[0], job[1], args.requests, args.hash_seed), work))
    print(f"Instructions per request (valgrind callgrind; {args.requests} and {5 * args.requests} requests "
          f"per run, 50 pipelined; PYTHONHASHSEED={args.hash_seed}; Python {sys.version.split()[0]})")
    print(table(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
