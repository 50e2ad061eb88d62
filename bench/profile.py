"""Where a status lookup or a send spends its time: the emulator in this process under
pyinstrument while wrk loads one route.

``python -m bench.profile status|send [--seconds N] [--provider NAME]`` prints the profile (Python frames only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading

import aiohttp
from aiohttp import web

from wa_emulator.web import keys

from . import wrk
from .calls import CALLS
from .server import emulator_app


async def profile(route_kind: str, seconds: float, provider: str | None = None) -> str:
    from pyinstrument import Profiler

    app = emulator_app()
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    name = provider or next(iter(CALLS))
    calls = CALLS[name]
    base = f"http://127.0.0.1:{port}" + next(p.base_path for p in app[keys.providers] if p.name == name)
    async with aiohttp.ClientSession() as http:
        message_id = await calls.send_template(http, base, "+15557654321")
    headers = calls.headers()
    body = None
    if route_kind == "send":
        operation = calls.send_operation()
        url = base + operation.path
        headers["Content-Type"] = "application/json"
        body = json.dumps(calls.send_body())
    else:
        operation = calls.status_operation()
        url = base + calls.status_path(message_id)
    method = operation.method.upper()
    result: list[wrk.Load] = []
    load = threading.Thread(target=lambda: result.append(wrk.run(
        url, seconds=seconds, method=method, headers=headers, body=body)))
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    load.start()
    while load.is_alive():
        await asyncio.sleep(0.05)
    profiler.stop()
    await runner.cleanup()
    summary = f"{method} {operation.path}: {result[0].rps:,.0f} req/s under the profiler\n" if result else ""
    return summary + profiler.output_text(unicode=False, color=False, show_all=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("kind", choices=("status", "send"))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--provider", choices=tuple(CALLS), help="whose route to load (default: the first mounted)")
    args = parser.parse_args(argv)
    print(asyncio.run(profile(args.kind, args.seconds, args.provider)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
