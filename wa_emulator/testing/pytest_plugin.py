"""pytest plugin (entry point ``pytest11``): the emulator as fixtures.

- ``wa_emulator``: an async fixture, a fresh ``Emulator`` per test on 127.0.0.1 with
  an ephemeral port and a manual clock, stopped after the test.
- ``wa_emulator_sync``: a ``ThreadedEmulator`` for synchronous clients (requests,
  httpx sync); one server per session (per marker settings), reset before each test.
- ``wa_webhook_sink`` / ``wa_webhook_sink_sync``: a real webhook receiver that records
  what it gets and can be told to fail or be slow.
- ``@pytest.mark.wa_emulator(providers=["mojeeb"], scenario="happy-path", strict=True, seed=None,
  clock="manual", tls=False)`` chooses how those fixtures start for a test; ``load_scenario()`` on either
  emulator changes the scenario during a test.

Example::

    async def test_template_is_read(wa_emulator):
        client = MyClient(wa_emulator.url("mojeeb"), key=...)
        message_id = await client.send_template(...)
        await wa_emulator.advance(10)
        assert wa_emulator.history(message_id) == ["queued", "sent", "delivered", "read"]
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
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
from .threaded import ThreadedEmulator

try:  # pytest-asyncio's own decorator keeps the fixture working in its strict mode too
    from pytest_asyncio import fixture as async_fixture
except ImportError:  # pragma: no cover - another async plugin (or none) runs async fixtures
    async_fixture = pytest.fixture

MARKER = "wa_emulator"
ORDERINGS = "wa_orderings"
_MARKER_OPTIONS = {"providers", "scenario", "strict", "seed", "clock", "tls"}


def pytest_configure(config: pytest.Config) -> None:
    if coverage.CoveragePlugin.wanted(config):
        config.pluginmanager.register(coverage.CoveragePlugin(config), "wa-emulator-coverage")
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*providers, providers=None, scenario=None, strict=True, seed=None, clock='manual', tls=False): "
        "how the wa-emulator fixtures start for this test (which providers are mounted, the scenario "
        "in force, contract checking, id seed, clock mode, HTTPS with a CA at the fixture's ca_path)",
    )
    config.addinivalue_line(
        "markers",
        f"{ORDERINGS}(max_runs=200, seed=0, duplicates=1, drops=1, early=True, stop_at_first=True): how the "
        "wa_orderings fixture explores the delivery orders of a test's status webhooks",
    )


def settings_for(node: pytest.Item) -> Settings:
    """The Settings a test's marker asks for (defaults: every provider, strict, manual clock, and
    webhooks to loopback addresses only, so no test reaches beyond the machine)."""
    marker = node.get_closest_marker(MARKER)
    args: tuple[Any, ...] = marker.args if marker else ()
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    unknown = set(options) - _MARKER_OPTIONS
    if unknown:
        pytest.fail(f"@pytest.mark.{MARKER}: unknown option(s) {', '.join(sorted(unknown))}; "
                    f"use {', '.join(sorted(_MARKER_OPTIONS))}", pytrace=False)
    names = options.get("providers", args or None)
    providers = (names,) if isinstance(names, str) else tuple(names) if names is not None else None
    scenario = options.get("scenario")
    try:
        chosen_providers(providers)
        clock = ClockSpec.parse(str(options.get("clock", "manual")))
        if scenario is not None:
            load_scenario(scenario)  # refuse a bad one here, in one line, not deep in a fixture
    except (ValueError, ScenarioError) as exc:
        pytest.fail(f"@pytest.mark.{MARKER}: {exc}", pytrace=False)
    return Settings(port=0, clock=clock, strict=bool(options.get("strict", True)), seed=options.get("seed"),
                    providers=providers, scenario=None if scenario is None else str(scenario),
                    webhook_destinations=LOOPBACK, tls=bool(options.get("tls", False)))


@async_fixture
async def wa_emulator(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    """A fresh emulator for this test: ``url(provider)``, ``credentials()``, ``advance()``, ``inbound()``,
    ``set_contact()``, ``load_scenario()``, ``messages()``, ``history(id)``, ``journal()``, ``deliveries()``."""
    async with Emulator(settings_for(request.node)) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def _wa_emulator_servers() -> Iterator[dict[Settings, ThreadedEmulator]]:
    servers: dict[Settings, ThreadedEmulator] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def wa_emulator_sync(
    request: pytest.FixtureRequest, _wa_emulator_servers: dict[Settings, ThreadedEmulator]
) -> ThreadedEmulator:
    """The session's threaded emulator for these settings, reset to the start for this test.

    The same methods as ``wa_emulator``, as blocking calls: ``wa_emulator_sync.advance(10)``.
    """
    settings = settings_for(request.node)
    server = _wa_emulator_servers.get(settings)
    # Reset before, not after, the test: a failed test cannot leak into the next. A server whose
    # scenario cannot be taken back out (a test loaded one) is replaced by a fresh one.
    if server is not None and not server.reset():
        server.stop()
        server = None
    if server is None:
        server = _wa_emulator_servers[settings] = ThreadedEmulator(settings).start()
    return server


@async_fixture
async def wa_webhook_sink() -> AsyncIterator[WebhookSink]:
    """A webhook receiver on 127.0.0.1: ``url``, ``fail()``, ``slow()``, ``statuses(id)``, ``assert_received()``."""
    sink = await WebhookSink().start()
    yield sink
    await sink.stop()


@pytest.fixture
def wa_webhook_sink_sync(wa_emulator_sync: ThreadedEmulator) -> Iterator[WebhookSink]:
    """``wa_webhook_sink`` for synchronous tests (it runs on the threaded emulator's loop)."""
    sink = wa_emulator_sync.run(WebhookSink().start())
    yield sink
    wa_emulator_sync.run(sink.stop())


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
        return orderings_for(settings_for(request.node), dict(marker.kwargs) if marker else {},
                             request.config.getoption("wa_ordering"), request.node.nodeid)
    except ValueError as exc:
        pytest.fail(f"@pytest.mark.{ORDERINGS} / --wa-ordering: {exc}", pytrace=False)
