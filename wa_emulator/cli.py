"""The ``wa-emulator`` command.

``main(argv)`` returns the exit code; bad input ends with one readable line on
stderr and a non-zero code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import ssl
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from . import __version__, contracts, ui
from .app import RUNNER_OPTIONS, create_app
from .contracts import check as contract_check
from .control.access import APP_KEY as access_key
from .control.faults import routes, scenario_fault_problems
from .core import destinations
from .core.clock import ClockSpec
from .core.drain import drain, leftover
from .core.timefmt import iso
from .providers import all_providers, keyformats
from .scenario import Scenario, ScenarioError, bundled, current, install, seed_in_force
from .scenario.convert import Marks
from .scenario.errors import field_name
from .scenario.loader import check_file
from .settings import DEFAULT_PORT, DEFAULT_SCENARIO, DELIVERY_CAP, JOURNAL_CAP, MESSAGE_CAP, Settings
from .web import keys
from .web.connections import with_header_deadline
from .web.proxy import ProxyConnections, proxy_env, proxy_for
from .web.serverlog import log_calls, quiet_protocol_errors
from .web.tls import ServerTls

EXIT_USAGE = 2
DEFAULTS = Settings()


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
    serve.add_argument(
        "--scenario-dir", type=_directory, action="append", default=[], metavar="DIR", dest="scenario_dirs",
        help='a directory POST /_emulator/scenario {"path": …} may read scenario files from (repeatable); '
             "without one, only bundled scenarios load by reference",
    )
    serve.add_argument("--journal-cap", type=_positive, default=JOURNAL_CAP, metavar="N",
                       help=f"keep the newest N journal entries (default {JOURNAL_CAP})")
    serve.add_argument("--delivery-cap", type=_positive, default=DELIVERY_CAP, metavar="N",
                       help=f"keep the newest N finished webhook deliveries (default {DELIVERY_CAP})")
    serve.add_argument("--message-cap", type=_positive, default=MESSAGE_CAP, metavar="N",
                       help=f"keep at most N messages; the oldest finished leave first (default {MESSAGE_CAP})")
    serve.add_argument("--keepalive-timeout", type=_seconds, default=DEFAULTS.keepalive_timeout, metavar="SECONDS",
                       help=f"close a connection idle this long (default {DEFAULTS.keepalive_timeout:g})")
    serve.add_argument("--header-timeout", type=_seconds, default=DEFAULTS.header_timeout, metavar="SECONDS",
                       help=f"allow a request's headers this long (default {DEFAULTS.header_timeout:g})")
    serve.add_argument("--shutdown-grace", type=_seconds, default=DEFAULTS.shutdown_grace, metavar="SECONDS",
                       help="on SIGTERM/SIGINT, wait this long for requests in flight and pending webhooks "
                            f"(default {DEFAULTS.shutdown_grace:g})")
    serve.add_argument("--loop", choices=("auto", "asyncio", "uvloop"), default="auto",
                       help="event loop: uvloop when installed (auto, the default), or force one")
    _exposure_flags(serve)
    _tls_flags(serve)
    serve.add_argument("--quiet", action="store_true",
                       help="no log line per API call and per webhook attempt (the banner and errors still print)")
    validate = commands.add_parser("validate", help="check scenario files; report every error, exit 1 if any")
    validate.add_argument("files", nargs="+", metavar="FILE")
    key = commands.add_parser("key", help="mint a well-formed API key for a provider (for a scenario's tenants)")
    key.add_argument("provider", choices=tuple(keyformats.FORMATS), metavar="PROVIDER",
                     help=f"one of {', '.join(keyformats.FORMATS)}")
    commands.add_parser("scenarios", help="list the bundled scenarios with their descriptions")
    contracts_cmd = commands.add_parser("contracts", help="check bodies against the providers' JSON Schemas")
    contract_actions = contracts_cmd.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    check = contract_actions.add_parser("check", help="check a JSON file; the contract is inferred unless given")
    check.add_argument("file", type=Path, help="a JSON file: a recorded body or a fixture")
    check.add_argument("--provider", help="the provider (or 'control') whose contracts to use")
    check.add_argument("--name", help="the contract's name, e.g. message or error")
    return parser


def _directory(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a directory")
    return path.resolve()


CONTROL_TOKEN_VARIABLE = "WA_EMULATOR_CONTROL_TOKEN"


def _exposure_flags(serve: argparse.ArgumentParser) -> None:
    """Who may call the control API and where webhooks may go (README, "Exposure")."""
    access = serve.add_mutually_exclusive_group()
    access.add_argument(
        "--control-token", metavar="TOKEN", default=os.environ.get(CONTROL_TOKEN_VARIABLE) or None,
        help=f"clients beyond loopback must send it to the control API (default: ${CONTROL_TOKEN_VARIABLE}, "
        "else one is generated when --host is not a loopback address)",
    )
    access.add_argument("--control-open", action="store_true",
                        help="let any client call the control API without a token (a private CI network)")
    serve.add_argument(
        "--webhook-destinations", choices=destinations.CHOICES, default=destinations.ANY,
        help="where webhooks may be delivered: any URL (default) or loopback addresses only",
    )


def _tls_flags(serve: argparse.ArgumentParser) -> None:
    """HTTPS (README, the --tls rows): a CA made at start-up, or a certificate of the caller's own."""
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS with a certificate for 127.0.0.1, localhost and every real provider host, "
                            "issued by a CA generated at start-up (its path is printed; GET /_emulator/ca.pem)")
    serve.add_argument("--tls-cert", type=Path, metavar="PEM", help="serve HTTPS with this certificate chain")
    serve.add_argument("--tls-key", type=Path, metavar="PEM", help="the private key of --tls-cert")
    serve.add_argument("--proxy", action="store_true",
                       help="also be an HTTPS proxy for the providers' real hosts only (HTTPS_PROXY=http://HOST:PORT, "
                            "trusting the CA generated at start-up): unchanged clients reach https://api.mojeeb.app …; "
                            "CONNECT to any other host is refused, never forwarded. Not with --tls")


def _tls_settings(args: argparse.Namespace) -> dict[str, Any]:
    if (args.tls_cert is None) != (args.tls_key is None):
        raise CliError("serve: --tls-cert and --tls-key go together (see --help)", EXIT_USAGE)
    return {"tls": args.tls, "tls_cert": args.tls_cert, "tls_key": args.tls_key, "proxy": args.proxy}


def _exposure_settings(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "control_token": None if args.control_open else args.control_token,  # the flag beats the environment
        "control_open": args.control_open,
        "webhook_destinations": args.webhook_destinations,
    }


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 86400 seconds, not {text}")
    return value


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
                                delivery_cap=args.delivery_cap, message_cap=args.message_cap,
                                keepalive_timeout=args.keepalive_timeout, header_timeout=args.header_timeout,
                                shutdown_grace=args.shutdown_grace,
                                scenario_dirs=tuple(args.scenario_dirs))
            settings = settings.with_(**_exposure_settings(args), **_tls_settings(args))
            with asyncio.Runner(loop_factory=loop_factory(args.loop)) as runner:
                return runner.run(_serve(settings, quiet=args.quiet))
        if args.command == "validate":
            return validate(args.files)
        if args.command == "key":
            print(keyformats.mint(args.provider))
            return 0
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
    """``wa-emulator validate FILE…``: one line per good file, one per error (file:line:column: field:
    message) of every bad one; exit 1 if any.

    Each file is also installed into a scratch world with the providers' sandbox tenants, so a
    fixture naming an organization or agent that would not exist is caught here too; and each key
    is checked against its provider's format (a Mojeeb key with a wrong checksum is refused).
    """
    world = create_app(Settings(port=0, clock=ClockSpec.parse("manual")))[keys.world]
    bad = 0
    for name in files:
        errors, scenario = validate_file(world, name)
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        if errors or scenario is None:
            bad += 1
        else:
            print(f"{name}: ok ({scenario.name})")
    return 1 if bad else 0


def validate_file(world: Any, name: str) -> tuple[list[ScenarioError], Scenario | None]:
    """Every error ``validate`` reports for one file, and the scenario when there are none."""
    checked = check_file(Path(name))
    errors = checked.errors + _dead_settings(checked.data, checked.marks)
    if errors or checked.scenario is None:
        return errors, None
    try:
        install(world, checked.scenario)
    except ScenarioError as exc:
        return [exc], None
    return [], checked.scenario


def _refuse_dead_settings(scenario: str | None) -> None:
    # Say before serving what would silently do nothing: a key its provider refuses on every call,
    # a fault on a path no operation has. The bundled scenarios are checked by the test suite, so
    # only a user's own file is read twice.
    if scenario is None or not Path(scenario).is_file():
        return
    checked = check_file(Path(scenario))
    errors = _dead_settings(checked.data, checked.marks)
    if errors:
        raise CliError(str(errors[0]))


def _dead_settings(data: Any, marks: Marks | None) -> list[ScenarioError]:
    """A ScenarioError for each key under ``tenants`` its provider would refuse on every call, and for
    each fault whose path no provider operation has."""
    if marks is None:
        return []
    found = []
    problems = [*keyformats.tenant_key_problems(data), *scenario_fault_problems(data, routes(all_providers()))]
    for path, problem in problems:
        line, column = marks.at(path)
        found.append(ScenarioError(marks.source, line, column, field_name(path), problem))
    return found


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
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Collect less often, and never re-scan what start-up built (``serve`` only, not the fixture)."""
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()


async def _serve(settings: Settings, *, quiet: bool = False) -> int:
    _refuse_dead_settings(settings.scenario)
    try:
        app = create_app(settings)
    except ScenarioError as exc:
        raise CliError(str(exc)) from None
    except ValueError as exc:  # an empty control token, an unusable TLS certificate or key
        raise CliError(str(exc), EXIT_USAGE) from None
    tune_gc()
    runner = web.AppRunner(app, **RUNNER_OPTIONS, keepalive_timeout=settings.keepalive_timeout)
    await runner.setup()
    loop = asyncio.get_running_loop()
    assert runner.server is not None
    try:
        # Our own listener rather than a TCPSite: its protocol factory adds the header deadline
        # (and, in proxy mode, answers CONNECT in front of aiohttp).
        factory = with_header_deadline(runner.server, settings.header_timeout)
        if settings.proxy:
            factory = proxy_for(app, factory, settings.header_timeout)
        listener = await loop.create_server(factory, settings.host, settings.port, ssl=_ssl_context(app))
    except OSError as exc:
        await runner.cleanup()
        raise CliError(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from None
    port = listener.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):  # before the banner: a supervisor may signal as soon as it reads it
        loop.add_signal_handler(sig, stop.set)
    print(banner(app, settings.host, port), flush=True)
    quiet_protocol_errors()
    if not quiet:
        log_calls(app[keys.world])
    try:
        await stop.wait()
    finally:
        await _stop(runner, listener, app, settings.shutdown_grace)
        if isinstance(factory, ProxyConnections):
            await factory.abort_all()  # tunnels a client kept open past the grace: no TLS goodbye to wait for
    return 0


def _ssl_context(app: web.Application) -> ssl.SSLContext | None:
    tls = app.get(keys.tls)
    return tls.context if tls is not None and app[keys.settings].serves_tls else None  # proxy mode: plain HTTP


async def _stop(runner: web.AppRunner, listener: asyncio.AbstractServer, app: web.Application, grace: float) -> None:
    """Stop accepting, give requests in flight and pending webhooks ``grace`` seconds, then say what was left."""
    world = app[keys.world]
    listener.close()
    ui.end_streams(app)  # an open dashboard's event stream would otherwise hold the whole grace
    server = runner.server
    if server is not None:
        server.pre_shutdown()  # idle connections close now, busy ones after their answer
        # Both within the one grace: a request in flight (a clock advance, say) is cancelled when it ends.
        await asyncio.gather(drain(world, grace), server.shutdown(grace))
    await runner.cleanup()
    print(f"wa-emulator: stopped; {leftover(world).summary()}", file=sys.stderr, flush=True)


def banner(app: web.Application, host: str, port: int) -> str:
    """What ``serve`` prints at start-up: where each provider is, the credentials and the clock."""
    world = app[keys.world]
    strict = app[keys.settings].strict
    tls = app.get(keys.tls)
    base = f"{'https' if app[keys.settings].serves_tls else 'http'}://{host}:{port}"
    lines = [f"wa-emulator {__version__} listening on {base}", ""]
    for provider in app[keys.providers]:
        lines.append(f"  {provider.name:<8} {base}{provider.base_path}")
        lines.extend(f"           {line}" for line in _credential_lines(provider.credentials(world)))
    lines += [
        "",
        f"  control  {base}/_emulator/  (an index of every operation: health, clock, messages, journal, …)",
        f"  ui       {base}/_emulator/ui/{app[access_key].dashboard_query()}  (the dashboard: live messages, journal,"
        " clock, contacts, faults, held webhooks, request bins)",
        f"  access   {app[access_key].describe()}",
        *([f"  tls      {_tls_line(tls)}"] if tls else []),
        *(_proxy_lines(app, base) if app[keys.settings].proxy else []),
        f"  webhooks {_destinations_line(app[keys.settings].webhook_destinations)}",
        f"  clock    {world.clock.spec} (emulated now: {iso(world.clock.now())})",
        f"  scenario {_scenario_line(world)}",
        f"  seed     {_seed_line(world)}",
        *([f"  files    POST /_emulator/scenario {{\"path\": …}} reads from {', '.join(map(str, dirs))}"]
          if (dirs := app[keys.settings].scenario_dirs) else []),
        *(["  strict   every response and webhook body is checked against its contract"] if strict else []),
        f"  keeps    the newest {world.journal.cap} journal entries, {world.dispatcher.cap} webhook deliveries"
        f" and {world.store.cap} messages",
        f"  loop     {_loop_name()}",
        "",
        "Ctrl-C stops the server.",
    ]
    return "\n".join(lines)


def _tls_line(tls: ServerTls) -> str:
    if tls.ca_path is None:
        return "the certificate given with --tls-cert (GET /_emulator/ca.pem answers 404)"
    return f"trust the CA {tls.ca_path} (also GET /_emulator/ca.pem); the certificate names {', '.join(tls.names)}"


def _proxy_lines(app: web.Application, base: str) -> list[str]:
    tls = app[keys.tls]
    hosts = ", ".join(host for p in app[keys.providers] for host in p.hosts)
    env = " ".join(f"{name}={value}" for name, value in proxy_env(base, str(tls.ca_path)).items())
    return [f"  proxy    CONNECT to {hosts} (port 443) is served here; any other is refused", f"           {env}"]


def _destinations_line(allow: str) -> str:
    if allow == destinations.LOOPBACK:
        return "delivered to loopback addresses only (--webhook-destinations loopback)"
    return "delivered to any URL (never to the control API)"


def _loop_name() -> str:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return "none running"
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"


def _scenario_line(world: Any) -> str:
    scenario = current(world)
    return "none" if scenario is None else f"{scenario.name} ({scenario.source})"


def _seed_line(world: Any) -> str:
    seed, source = seed_in_force(world)
    if seed is None:
        return "none (ids differ from run to run)"
    return f"{seed} (from --seed)" if source == "server" else f"{seed} (from the scenario)"


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
