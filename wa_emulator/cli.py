"""The ``wa-emulator`` command.

``main(argv)`` returns the exit code; bad input ends with one readable line on
stderr and a non-zero code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from . import __version__, contracts
from .app import RUNNER_OPTIONS, create_app
from .contracts import check as contract_check
from .core.clock import ClockSpec
from .core.timefmt import iso
from .scenario import ScenarioError, bundled, current, install, load_scenario
from .settings import DEFAULT_PORT, DEFAULT_SCENARIO, DELIVERY_CAP, JOURNAL_CAP, Settings
from .web import keys
from .web.serverlog import quiet_protocol_errors

EXIT_USAGE = 2


class CliError(Exception):
    """A problem to report to the user in one line, with an exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(f"{self.prog}: {message} (see --help)", EXIT_USAGE)


def _clock(text: str) -> ClockSpec:
    try:
        return ClockSpec.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a number, not {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wa-emulator", description="Emulate Mojeeb, Wazapin and Qlara WhatsApp APIs locally.")
    parser.add_argument("--version", action="version", version=f"wa-emulator {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    serve = commands.add_parser("serve", help="run the emulator (Ctrl-C stops it)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port to bind (default {DEFAULT_PORT}; 0 picks one)"
    )
    serve.add_argument(
        "--clock", type=_clock, default=ClockSpec.parse("real"), metavar="real|manual|scaled:F",
        help="real time (default), manual (moves only via the control API) or scaled by factor F",
    )
    serve.add_argument("--seed", type=int, default=None, help="make generated ids repeat from run to run")
    serve.add_argument(
        "--strict", action="store_true",
        help="check every response and webhook body against its contract; a mismatch is logged and answered 500",
    )
    serve.add_argument(
        "--scenario", default=DEFAULT_SCENARIO, metavar="NAME|PATH",
        help=f"a bundled scenario (see `wa-emulator scenarios`) or a YAML file (default {DEFAULT_SCENARIO})",
    )
    serve.add_argument("--journal-cap", type=_positive, default=JOURNAL_CAP, metavar="N",
                       help=f"keep the newest N journal entries (default {JOURNAL_CAP})")
    serve.add_argument("--delivery-cap", type=_positive, default=DELIVERY_CAP, metavar="N",
                       help=f"keep the newest N finished webhook deliveries (default {DELIVERY_CAP})")
    serve.add_argument("--loop", choices=("auto", "asyncio", "uvloop"), default="auto",
                       help="event loop: uvloop when installed (auto, the default), or force one")
    validate = commands.add_parser("validate", help="check scenario files; exit 1 at the first bad one")
    validate.add_argument("files", nargs="+", metavar="FILE")
    commands.add_parser("scenarios", help="list the bundled scenarios with their descriptions")
    contracts_cmd = commands.add_parser("contracts", help="check bodies against the providers' JSON Schemas")
    contract_actions = contracts_cmd.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    check = contract_actions.add_parser("check", help="check a JSON file; the contract is inferred unless given")
    check.add_argument("file", type=Path, help="a JSON file: a recorded body or a fixture")
    check.add_argument("--provider", help="the provider (or 'control') whose contracts to use")
    check.add_argument("--name", help="the contract's name, e.g. message or error")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def loop_factory(choice: str = "auto") -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop ``serve`` runs on: uvloop's when installed (``pip install wa-emulator[uvloop]``).

    >>> loop_factory("asyncio") is None
    True
    """
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise CliError("--loop uvloop needs uvloop: pip install 'wa-emulator[uvloop]'") from None
        return None
    return uvloop.new_event_loop


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    try:
        args = build_parser().parse_args(argv)
        if args.command == "serve":
            settings = Settings(host=args.host, port=args.port, clock=args.clock, seed=args.seed,
                                scenario=args.scenario, strict=args.strict, journal_cap=args.journal_cap,
                                delivery_cap=args.delivery_cap)
            with asyncio.Runner(loop_factory=loop_factory(args.loop)) as runner:
                return runner.run(_serve(settings))
        if args.command == "validate":
            return validate(args.files)
        if args.command == "scenarios":
            return list_scenarios()
        if args.command == "contracts" and args.action == "check":
            return _check_contract(args.file, args.provider, args.name)
        build_parser().print_help()
        return EXIT_USAGE
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 0


def _check_contract(path: Path, provider: str | None, name: str | None) -> int:
    try:
        matched = contract_check.check(path, provider, name)
    except contract_check.CheckError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except contracts.ContractError as exc:
        raise CliError(f"{path}: {exc}") from None
    print(f"ok: {path} matches {matched}")
    return 0


def validate(files: Sequence[str]) -> int:
    """``wa-emulator validate FILE…``: one line per good file; stop at the first bad one.

    Each file is also installed into a scratch world with the providers' sandbox tenants, so a
    fixture naming an organization or agent that would not exist is caught here too.
    """
    world = create_app(Settings(port=0, clock=ClockSpec.parse("manual")))[keys.world]
    for name in files:
        try:
            scenario = load_scenario(Path(name))
            install(world, scenario)
        except ScenarioError as exc:
            raise CliError(str(exc)) from None
        print(f"{name}: ok ({scenario.name})")
    return 0


def list_scenarios() -> int:
    """``wa-emulator scenarios``: the bundled scenarios, one per line, with their descriptions."""
    try:
        found = bundled()
    except ScenarioError as exc:  # only a broken installation gets here
        raise CliError(str(exc)) from None
    width = max(len(name) for name, _ in found)
    for name, description in found:
        print(f"{name:<{width}}  {description}")
    return 0


# A server process allocates a few hundred container objects per request and keeps most
# of them (messages, histories, timers); CPython's default first threshold (700) ran a
# young collection every few requests and full ones ever more often as the store grew.
# Measured with bench (sends, 50 connections): p99 47.8 ms -> 22.9 ms, 2,738 -> 4,265 req/s.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Collect less often, and never re-scan what start-up built (``serve`` only, not the fixture)."""
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()


async def _serve(settings: Settings) -> int:
    try:
        app = create_app(settings)
    except ScenarioError as exc:
        raise CliError(str(exc)) from None
    tune_gc()
    runner = web.AppRunner(app, **RUNNER_OPTIONS)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise CliError(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from None
    port = runner.addresses[0][1]
    print(banner(app, settings.host, port), flush=True)
    quiet_protocol_errors()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        print("wa-emulator: stopping", file=sys.stderr, flush=True)
        await runner.cleanup()
    return 0


def banner(app: web.Application, host: str, port: int) -> str:
    """What ``serve`` prints at start-up: where each provider is, the credentials and the clock."""
    world = app[keys.world]
    strict = app[keys.settings].strict
    base = f"http://{host}:{port}"
    lines = [f"wa-emulator {__version__} listening on {base}", ""]
    for provider in app[keys.providers]:
        lines.append(f"  {provider.name:<8} {base}{provider.base_path}")
        lines.extend(f"           {line}" for line in _credential_lines(provider.credentials(world)))
    lines += [
        "",
        f"  control  {base}/_emulator/  (health, clock, messages, journal, credentials)",
        f"  clock    {world.clock.spec} (emulated now: {iso(world.clock.now())})",
        f"  scenario {_scenario_line(world)}",
        *(["  strict   every response and webhook body is checked against its contract"] if strict else []),
        f"  keeps    the newest {world.journal.cap} journal entries and {world.dispatcher.cap} webhook deliveries",
        f"  loop     {_loop_name()}",
        "",
        "Ctrl-C stops the server.",
    ]
    return "\n".join(lines)


def _loop_name() -> str:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return "none running"
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"


def _scenario_line(world: Any) -> str:
    scenario = current(world)
    return "none" if scenario is None else f"{scenario.name} ({scenario.source})"


def _credential_lines(credentials: dict[str, Any]) -> list[str]:
    lines = []
    for org in credentials.get("organizations", []):
        lines.append(f"org {org['id']} ({org['name']})")
        for key in org.get("keys", []):
            lines.append(f"  key {key['name']:<18} {key['secret']}")
        for login in org.get("basic", []):
            lines.append(f"  basic {login['username']}:{login['password']}")
        for agent in org.get("agents", []):
            lines.append(f"  sender {agent['id']} {', '.join(agent['phones'])}")
    return lines
