"""A small launcher for the servers the benchmarks load: the emulator and its ceilings.

``python -m bench.server emulator --loop uvloop`` serves the emulator on 127.0.0.1 with a
real clock and the sandbox keys' rate limits raised (Mojeeb's 60/min would throttle the
load), sends one message per provider, and prints a line of JSON: the port plus, per
provider, a message id and the JSON its status route and send route answer.

``python -m bench.server ceiling --bodies FILE`` serves a bare aiohttp handler that answers
every GET with the recorded status JSON and every POST (after parsing its JSON body) with
the recorded send JSON: the most a Python aiohttp server can do for the same exchange.

``python -m bench.server receiver`` is a bare webhook receiver answering 204.
Each stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web

from wa_emulator.app import create_app
from wa_emulator.cli import tune_gc
from wa_emulator.core.clock import REAL_CLOCK, ClockSpec
from wa_emulator.core.world import World
from wa_emulator.providers import all_providers
from wa_emulator.settings import Settings
from wa_emulator.web import keys
from wa_emulator.web.front import DoorPolicy, FrontDoor, api_routes
from wa_emulator.web.routing import Mount

from . import loops
from .calls import CALLS, unlimit

RATE_LIMIT = 1_000_000_000  # per minute: the benchmark must measure the server, not the limiter
SEED = 7


def emulator_app(clock: ClockSpec = REAL_CLOCK) -> web.Application:
    """The emulator as every benchmark runs it: seeded (so each fresh one mints the same ids) and
    with every sandbox key's rate limit raised, so the load measures the server, not the limiter.

    >>> emulator_app()[keys.settings].seed == SEED
    True
    """
    app = create_app(Settings(port=0, clock=clock, seed=SEED))
    unlimit(app[keys.world], RATE_LIMIT)
    return app


async def record(app: web.Application, port: int) -> dict[str, Any]:
    """One message per provider, and the bodies its status lookup and its template send answer."""
    recorded: dict[str, Any] = {}
    base_url = f"http://127.0.0.1:{port}"
    providers = {p.name: p for p in app[keys.providers]}
    async with aiohttp.ClientSession() as http:
        for name, calls in CALLS.items():
            base_path = providers[name].base_path
            message_id = await calls.send_template(http, base_url + base_path, "+15557654321")
            status_path = base_path + calls.status_path(message_id)
            async with http.get(base_url + status_path, headers=calls.headers()) as response:
                status_body = await response.read()
            send_path = base_path + calls.send_operation().path
            async with http.post(base_url + send_path, json=calls.send_body(), headers=calls.headers()) as response:
                send_body = await response.read()
                send_status = response.status
            recorded[name] = {
                "base": base_path, "message_id": message_id, "auth": calls.headers(),
                "status_path": status_path, "status_body": status_body.decode(), "send_path": send_path,
                "send_request": json.dumps(calls.send_body()), "send_body": send_body.decode(),
                "send_status": send_status,
            }
    return recorded


def ceiling_app(bodies: dict[str, Any]) -> web.Application:
    def path(url_path: str) -> str:
        return url_path.split("?")[0]  # a route's own query (Qlara's channel=WHATSAPP) is not part of it

    by_get = {path(entry["status_path"]): entry["status_body"].encode() for entry in bodies.values()}
    by_post = {path(entry["send_path"]): (entry["send_status"], entry["send_body"].encode())
               for entry in bodies.values()}

    async def get(request: web.Request) -> web.Response:
        return web.Response(body=by_get[request.path], content_type="application/json")

    async def post(request: web.Request) -> web.Response:
        json.loads(await request.read())
        status, body = by_post[request.path]
        return web.Response(status=status, body=body, content_type="application/json")

    app = web.Application()
    for path in by_get:
        app.router.add_get(path, get)
    for path in by_post:
        app.router.add_post(path, post)
    return app


def floor_app(bodies: dict[str, Any]) -> web.Application:
    """The emulator's own routing with nothing to do: each provider's route table and front door,
    every handler answering the ceiling's bytes.

    What the emulator costs above this is its behaviour (authentication, rate windows, request
    ids, the journal, the store, rendering); what this costs above the ceiling is its structure.
    The door keeps its error envelope and its single coroutine, but admits everyone and mints,
    journals and faults nothing.
    """
    answers: dict[tuple[str, str], tuple[int, bytes]] = {}
    for entry in bodies.values():
        answers["GET", entry["status_path"].split("?")[0]] = 200, entry["status_body"].encode()
        answers["POST", entry["send_path"].split("?")[0]] = entry["send_status"], entry["send_body"].encode()

    async def answer(request: web.Request) -> web.Response:
        if request.method == "POST":
            json.loads(await request.read())
        status, body = answers[request.method, request.path]
        return web.Response(status=status, body=body, content_type="application/json")

    app = web.Application()
    world = World()
    policy = DoorPolicy("floor", render=lambda request, error: web.Response(status=error.status), request_ids=None,
                        provider=False)
    for provider in all_providers():
        root = provider.base_path.removeprefix(provider.prefix)
        api = dataclasses.replace(provider.api, operations=tuple(
            dataclasses.replace(op, handler=answer, around=None) for op in provider.api.operations))
        app.router.register_resource(Mount(provider.prefix, api_routes(api, FrontDoor(world, policy), root)))
    return app


async def _no_content() -> int:
    return 204


def receiver_app(answer: Callable[[], Awaitable[int]] = _no_content) -> web.Application:
    """A webhook receiver that reads each POST and answers the status ``answer()`` gives (204 by default)."""

    async def receive(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=await answer())

    app = web.Application()
    app.router.add_post("/{tail:.*}", receive)
    return app


async def serve(kind: str, port: int, bodies_file: str | None) -> None:
    if kind == "emulator":
        # Seeded: every emulator this launcher starts mints the same message ids, so a fresh one per
        # route still answers the paths the ceiling recorded.
        app = emulator_app()
    elif kind == "ceiling":
        assert bodies_file is not None
        with open(bodies_file, encoding="utf-8") as handle:
            app = ceiling_app(json.load(handle))
    else:
        app = receiver_app()
    if kind == "emulator":
        tune_gc()  # what `wa-emulator serve` does
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = runner.addresses[0][1]
    ready: dict[str, Any] = {"port": bound, "pid": os.getpid()}
    if kind == "emulator":
        ready["providers"] = await record(app, bound)
    print(json.dumps(ready), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server")
    parser.add_argument("kind", choices=("emulator", "ceiling", "receiver"))
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--bodies", help="the emulator's recorded answers (for the ceiling)")
    args = parser.parse_args(argv)
    with asyncio.Runner(loop_factory=loops.factory(args.loop)) as runner:
        runner.run(serve(args.kind, args.port, args.bodies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
