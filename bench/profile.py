"""Where a status lookup or a send spends its time: the emulator in this process under
pyinstrument while wrk loads one route.

``python -m bench.profile status|send [--seconds N]`` prints the profile (Python frames only).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading

import aiohttp
from aiohttp import web

from tests.drivers import DRIVERS

from . import wrk
from .server import emulator_app


async def profile(route_kind: str, seconds: float) -> str:
    from pyinstrument import Profiler

    app = emulator_app()
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    name, driver = next(iter(DRIVERS.items()))
    base = f"http://127.0.0.1:{port}/{name}"
    async with aiohttp.ClientSession() as http:
        message_id = await driver.send(http, base, "+15557654321")
    route = next(r for r in driver.routes if r.kind == route_kind)
    headers = dict(driver.auth())
    body = None
    if route.kind == "send":
        headers["Content-Type"] = "application/json"
        body = __import__("json").dumps(route.body)
    result: list[wrk.Load] = []
    load = threading.Thread(target=lambda: result.append(wrk.run(
        route.url(base, message_id), seconds=seconds, method=route.method, headers=headers, body=body)))
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    load.start()
    while load.is_alive():
        await asyncio.sleep(0.05)
    profiler.stop()
    await runner.cleanup()
    summary = f"{route.method} {route.path}: {result[0].rps:,.0f} req/s under the profiler\n" if result else ""
    return summary + profiler.output_text(unicode=False, color=False, show_all=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("kind", choices=("status", "send"))
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    print(asyncio.run(profile(args.kind, args.seconds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
