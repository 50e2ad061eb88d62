"""pytest plugin (entry point ``pytest11``): the emulator as fixtures.

Every emulator fixture starts in the world ``wa-emulator serve`` starts in (the ``sandbox``
scenario: its keys, magic numbers and rate-limited accounts), on 127.0.0.1 with an ephemeral
port, a manual clock, strict contracts and webhooks to loopback only.

- ``wa_emulator``: the emulator for any test and any client. It serves from a background thread, so
  ``requests``, ``httpx`` (sync or async) and ``aiohttp`` all work in sync and async tests. Its
  coroutine methods are awaited in ``async def`` tests (``await wa_emulator.advance(10)``) and block in
  plain ones (``wa_emulator.advance(10)``). One server per session and settings, reset before each test.
- ``wa_emulator_sync``: the same server as a ``ThreadedEmulator``: every method blocks, in any test.
- ``wa_emulator_inloop``: a fresh ``Emulator`` on the test's own event loop, for pure-async tests
  (aiohttp, ``httpx.AsyncClient``). A blocking client stalls it; that fails within a second, naming
  ``wa_emulator``.
- ``wa_webhook_sink`` / ``wa_webhook_sink_sync``: a webhook receiver on its own thread (the same
  thing under two names), so it answers whichever emulator fixture delivers and however the test blocks.
- ``wa_emulated_sleep``: while it is active ``time.sleep``/``asyncio.sleep`` in the code under test
  advance ``wa_emulator``'s clock instead of waiting.
- ``@pytest.mark.wa_emulator(providers=["mojeeb"], scenario="happy-path", strict=True, seed=None,
  clock="manual", tls=False, proxy=False)`` chooses how those fixtures start; ``scenario=None`` is an empty world (the
  default when ``providers`` mounts only some: the sandbox scripts all three).
  ``@pytest.mark.parametrize("wa_emulator", ["happy-path", None], indirect=True)`` picks the scenario too.

Example::

    def test_template_is_read(wa_emulator):
        client = MyClient(wa_emulator.url("mojeeb"), key=wa_emulator.key("mojeeb"))
        message_id = client.send_template(...)
        wa_emulator.advance(10)
        assert wa_emulator.history(message_id) == ["queued", "sent", "delivered", "read"]
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..app import chosen_providers
from ..core.clock import ClockSpec
from ..core.destinations import LOOPBACK
from ..scenario import ScenarioError, load_scenario
from ..settings import Settings
from . import coverage
from .emulator import Emulator
from .orderings import Orderings, orderings_for
from .sink import WebhookSink
from .sleep import EmulatedSleep
from .stall import StallGuard
from .threaded import DualEmulator, LoopThread, ThreadedEmulator

try:  # pytest-asyncio's own decorator keeps the fixture working in its strict mode too
    from pytest_asyncio import fixture as async_fixture
except ImportError:  # pragma: no cover - another async plugin (or none) runs async fixtures
    async_fixture = pytest.fixture

MARKER = "wa_emulator"
DEFAULT_SCENARIO = "sandbox"  # what `wa-emulator serve` runs: the README's keys and numbers work in tests too
_MARKER_OPTIONS = {"providers", "scenario", "strict", "seed", "clock", "tls", "proxy"}
_UNSET = object()
ORDERINGS = "wa_orderings"


def pytest_configure(config: pytest.Config) -> None:
    if coverage.CoveragePlugin.wanted(config):
        config.pluginmanager.register(coverage.CoveragePlugin(config), "wa-emulator-coverage")
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*providers, providers=None, scenario='{DEFAULT_SCENARIO}', strict=True, seed=None, "
        "clock='manual', tls=False, proxy=False): how the wa-emulator fixtures start for this test (which "
        "providers are mounted, the scenario in force or None for an empty world, contract checking, id seed, "
        "clock mode, HTTPS with a CA at the fixture's ca_path, proxy mode for unchanged clients: the fixture's "
        "proxy_url and proxy_env())",
    )
    config.addinivalue_line(
        "markers",
        f"{ORDERINGS}(max_runs=200, seed=0, duplicates=1, drops=1, early=True, stop_at_first=True): how the "
        "wa_orderings fixture explores the delivery orders of a test's status webhooks",
    )


def settings_for(node: pytest.Item, param: Any = _UNSET) -> Settings:
    """The Settings a test's marker (or an indirect fixture parameter: the scenario) asks for. Defaults:
    the sandbox scenario, every provider, strict, a manual clock, webhooks to loopback addresses only."""
    marker = node.get_closest_marker(MARKER)
    args: tuple[Any, ...] = marker.args if marker else ()
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    unknown = set(options) - _MARKER_OPTIONS
    if unknown:
        pytest.fail(f"@pytest.mark.{MARKER}: unknown option(s) {', '.join(sorted(unknown))}; "
                    f"use {', '.join(sorted(_MARKER_OPTIONS))}", pytrace=False)
    names = options.get("providers", args or None)
    providers = (names,) if isinstance(names, str) else tuple(names) if names is not None else None
    # The sandbox scripts every provider's tenants: with only some mounted the default is an empty world.
    default = DEFAULT_SCENARIO if providers is None else None
    scenario = options.get("scenario", default) if param is _UNSET else param
    try:
        chosen_providers(providers)
        clock = ClockSpec.parse(str(options.get("clock", "manual")))
        if scenario is not None:
            _check_scenario(scenario)  # refuse a bad one here, in one line, not deep in a fixture
    except (ValueError, ScenarioError) as exc:
        pytest.fail(f"@pytest.mark.{MARKER}: {exc}", pytrace=False)
    return Settings(port=0, clock=clock, strict=bool(options.get("strict", True)), seed=options.get("seed"),
                    providers=providers, scenario=None if scenario is None else str(scenario),
                    webhook_destinations=LOOPBACK, tls=bool(options.get("tls", False)),
                    proxy=bool(options.get("proxy", False)))


_CHECKED: set[tuple[str, float | None]] = set()


def _check_scenario(scenario: Any) -> None:
    # Parsing the YAML costs milliseconds; each test asks again, so check each file (as it is now) once.
    path = Path(str(scenario))
    stamp = path.stat().st_mtime if path.is_file() else None
    if (str(scenario), stamp) not in _CHECKED:
        load_scenario(scenario)
        _CHECKED.add((str(scenario), stamp))


@pytest.fixture(scope="session")
def _wa_emulator_servers() -> Iterator[dict[Settings, ThreadedEmulator]]:
    servers: dict[Settings, ThreadedEmulator] = {}
    yield servers
    for server in servers.values():
        server.stop()


def _server_for(request: pytest.FixtureRequest, servers: dict[Settings, ThreadedEmulator]) -> ThreadedEmulator:
    settings = settings_for(request.node, getattr(request, "param", _UNSET))
    server = servers.get(settings)
    # Reset before, not after, the test: a failed test cannot leak into the next. A server whose
    # scenario cannot be taken back out (a test loaded one into an empty world) is replaced.
    if server is not None and not server.reset():
        server.stop()
        server = None
    if server is None:
        server = servers[settings] = ThreadedEmulator(settings).start()
    return server


@pytest.fixture
def wa_emulator(request: pytest.FixtureRequest, _wa_emulator_servers: dict[Settings, ThreadedEmulator]) -> DualEmulator:
    """The emulator for any client in any test: ``url(provider)``, ``key(provider)``, ``advance()``,
    ``verify()``, ``wait_for_status()``, ``history(id)``, ``journal()``, faults, directives…

    Awaited in async tests (``await wa_emulator.advance(10)``), blocking in sync ones (``wa_emulator.advance(10)``).
    """
    return DualEmulator(_server_for(request, _wa_emulator_servers))


@pytest.fixture
def wa_emulator_sync(
    request: pytest.FixtureRequest, _wa_emulator_servers: dict[Settings, ThreadedEmulator]
) -> ThreadedEmulator:
    """The session's threaded emulator for these settings, reset to the start for this test.

    The same methods as ``wa_emulator``, every one a blocking call: ``wa_emulator_sync.advance(10)``.
    """
    return _server_for(request, _wa_emulator_servers)


INLOOP_SYNC_TEST = ("wa_emulator_inloop serves on the test's event loop and needs an `async def` test; "
                    "use wa_emulator (any client, any test)")
INLOOP_BLOCKED = ("a blocking client (requests, httpx.Client…) called wa_emulator_inloop, which serves on this "
                  "test's own event loop: use the wa_emulator fixture, which serves from its own thread")


@async_fixture
async def wa_emulator_inloop(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    """A fresh ``Emulator`` on the test's own event loop, for pure-async tests (aiohttp, httpx.AsyncClient)."""
    if not inspect.iscoroutinefunction(getattr(request.node, "function", None)):
        pytest.fail(INLOOP_SYNC_TEST, pytrace=False)
    async with Emulator(settings_for(request.node, getattr(request, "param", _UNSET))) as emulator:
        guard = StallGuard(asyncio.get_running_loop(), emulator.listening_sockets(), INLOOP_BLOCKED).start()
        try:
            yield emulator
        finally:
            guard.stop()


@pytest.fixture(scope="session")
def _wa_sink_loop() -> Iterator[LoopThread]:
    loop = LoopThread()
    yield loop
    loop.stop()


@pytest.fixture
def wa_webhook_sink(_wa_sink_loop: LoopThread) -> Iterator[WebhookSink]:
    """A webhook receiver on 127.0.0.1, on its own thread: ``url``, ``fail()``, ``slow()``, ``statuses(id)``,
    ``assert_received(id, [...])``, ``assert_no_unexpected()``. Works with every emulator fixture."""
    sink = _wa_sink_loop.run(WebhookSink().start(), "starting the webhook sink")
    yield sink
    _wa_sink_loop.run(sink.stop(), "stopping the webhook sink")


@pytest.fixture
def wa_webhook_sink_sync(wa_webhook_sink: WebhookSink) -> WebhookSink:
    """``wa_webhook_sink`` by its older name: the one sink works in sync and async tests alike."""
    return wa_webhook_sink


@pytest.fixture
def wa_emulated_sleep(wa_emulator: DualEmulator) -> Iterator[EmulatedSleep]:
    """While the test runs, ``time.sleep`` and ``asyncio.sleep`` in the code under test advance ``wa_emulator``'s
    clock at once; ``wa_emulated_sleep.slept`` lists the seconds slept.

    >>> # def test_retry(wa_emulator, wa_emulated_sleep): client.send()  # its time.sleep(43) costs nothing
    """
    with EmulatedSleep(wa_emulator) as patcher:
        yield patcher


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wa-emulator")
    group.addoption("--wa-ordering", dest="wa_ordering", default=None, metavar="ID",
                    help="run only this webhook delivery order in wa_orderings tests (the id a failure prints)")
    coverage.add_options(parser)


@pytest.fixture
def wa_orderings(request: pytest.FixtureRequest) -> Orderings:
    """Runs a test body once per distinct delivery order of its status webhooks (``orderings.py``).

    Example::

        @pytest.mark.wa_orderings(max_runs=100)
        async def test_tracker(wa_orderings):
            async def body(run):
                ...send with your client, its receiver subscribed...
                await run.deliver()            # the held webhooks, in this run's order
                converges(run.emulator, tracker.view())
            await wa_orderings.explore(body)
    """
    marker = request.node.get_closest_marker(ORDERINGS)
    try:
        return orderings_for(_orderings_settings(request.node), dict(marker.kwargs) if marker else {},
                             request.config.getoption("wa_ordering"), request.node.nodeid)
    except ValueError as exc:
        pytest.fail(f"@pytest.mark.{ORDERINGS} / --wa-ordering: {exc}", pytrace=False)


def _orderings_settings(node: pytest.Item) -> Settings:
    # An empty world unless the test names a scenario: the sandbox's fixture messages would be
    # counted with the messages whose webhook orders are explored.
    settings = settings_for(node)
    chosen = node.get_closest_marker(MARKER)
    return settings if chosen is not None and "scenario" in chosen.kwargs else settings.with_(scenario=None)
