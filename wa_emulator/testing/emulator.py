"""The emulator in-process: what tests, the pytest plugin and the CLI all start.

Example::

    async with Emulator() as emu:              # 127.0.0.1, ephemeral port, manual clock
        url = emu.url("mojeeb")                 # http://127.0.0.1:PORT/mojeeb
        ...send with your client...
        await emu.advance(10)                   # statuses (and webhooks) that fall due, in order
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from ..app import RUNNER_OPTIONS, create_app, world_for
from ..control.access import APP_KEY as access_key
from ..control.actions import receive_inbound, update_contact
from ..control.views import contact_view, message_view
from ..core.clock import ClockMode, ClockSpec
from ..core.destinations import LOOPBACK
from ..core.timefmt import parse_duration
from ..core.world import World
from ..scenario import Scenario, current, install, load_scenario
from ..settings import Settings
from ..web import keys
from ..web.proxy import proxy_env, proxy_for
from ..web.tls import OpenConnections


class Emulator:
    """A running emulator bound to 127.0.0.1 on an ephemeral port (by default a manual clock, and
    webhooks delivered to loopback addresses only).

    >>> emu = Emulator()
    >>> emu.settings.clock.mode.value, emu.settings.port, emu.settings.webhook_destinations
    ('manual', 0, 'loopback')
    """

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        # Webhooks to loopback only: no test makes the emulator reach beyond the machine.
        base = settings or Settings(port=0, clock=ClockSpec(ClockMode.MANUAL), webhook_destinations=LOOPBACK)
        self.settings = base.with_(**overrides) if overrides else base
        self.world: World = world_for(self.settings)
        self.app: web.Application = create_app(self.settings, self.world)
        self._scenario_at_start = current(self.world)  # the one settings.scenario installed, if any
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.AbstractServer | None = None  # with TLS only
        self._connections: OpenConnections | None = None
        self.port: int | None = None

    async def start(self) -> Self:
        """Bind and serve; returns once requests are accepted."""
        self._runner = web.AppRunner(self.app, **RUNNER_OPTIONS)
        await self._runner.setup()
        tls = self.app.get(keys.tls)
        if tls is None:
            site = web.TCPSite(self._runner, self.settings.host, self.settings.port, reuse_address=True)
            await site.start()
            self.port = self._runner.addresses[0][1]
            return self
        # Our own listener (HTTPS, or proxy mode's plain HTTP that also answers CONNECT), tracking
        # connections so stop() can end those a client never closed.
        assert self._runner.server is not None
        self._connections = (proxy_for(self.app, self._runner.server, self.settings.header_timeout)
                             if self.settings.proxy else OpenConnections(self._runner.server))
        self._listener = await asyncio.get_running_loop().create_server(
            self._connections, self.settings.host, self.settings.port,
            ssl=tls.context if self.settings.serves_tls else None, reuse_address=True)
        self.port = self._listener.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop serving and cancel background work; safe to call twice."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._connections is not None:
            await self._connections.abort_all()
            self._connections = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- addresses --------------------------------------------------------------------

    @property
    def control_token(self) -> str | None:
        """The token clients beyond loopback send to the control API (None: none is needed or taken)."""
        return self.app[access_key].token

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server (``https://`` with ``tls=True``)."""
        if self.port is None:
            raise RuntimeError("the emulator is not running; call start() first")
        scheme = "https" if self.settings.serves_tls else "http"
        return f"{scheme}://{self.settings.host}:{self.port}"

    @property
    def ca_path(self) -> Path | None:
        """The CA bundle a client trusts to reach an emulator started with ``tls=True`` (else None),
        e.g. ``requests.get(url, verify=emu.ca_path)`` or ``ssl.create_default_context(cafile=emu.ca_path)``."""
        tls = self.app.get(keys.tls)
        return None if tls is None else tls.ca_path

    @property
    def proxy_url(self) -> str:
        """``http://127.0.0.1:PORT``, the ``HTTPS_PROXY`` of an emulator started with ``proxy=True``."""
        if not self.settings.proxy:
            raise RuntimeError("the emulator was started without proxy=True")
        return self.base_url

    def proxy_env(self) -> dict[str, str]:
        """The environment an unchanged client needs to reach this emulator at the providers' real URLs:
        ``HTTPS_PROXY`` (and ``https_proxy``) and the CA in ``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``
        and ``CURL_CA_BUNDLE``, e.g. ``monkeypatch.setenv`` each, or
        ``subprocess.run(["curl", "https://api.mojeeb.app/…"], env={**os.environ, **emu.proxy_env()})``."""
        return proxy_env(self.proxy_url, str(self.ca_path))

    def url(self, provider: str) -> str:
        """The base URL a client of ``provider`` should use, e.g. ``emu.url("qlara")``."""
        for candidate in self.app[keys.providers]:
            if candidate.name == provider:
                return self.base_url + candidate.base_path
        raise KeyError(f"unknown provider {provider!r}")

    @property
    def urls(self) -> dict[str, str]:
        """Base URL of every provider mounted, by name: ``{"mojeeb": "http://127.0.0.1:PORT/mojeeb", …}``."""
        return {provider.name: self.url(provider.name) for provider in self.app[keys.providers]}

    def credentials(self, provider: str | None = None) -> dict[str, Any]:
        """The sandbox tenants, keys and senders (as ``GET /_emulator/credentials``), or one provider's."""
        every = {p.name: p.credentials(self.world) for p in self.app[keys.providers]}
        if provider is None:
            return every
        if provider not in every:
            raise KeyError(f"unknown provider {provider!r}")
        return every[provider]

    # -- control --------------------------------------------------------------------------

    async def inbound(self, provider: str, sender: str, text: str, to: str | None = None) -> dict[str, Any]:
        """A customer (``sender``) writes to a business number of ``provider``; opens the 24-hour window.

        Returns the inbound message as ``GET /_emulator/messages/{id}`` shows it.
        """
        names = [p.name for p in self.app[keys.providers]]
        message = receive_inbound(self.world, names, provider, sender, text, to)
        await self.world.clock.settle()
        return message_view(message)

    def set_contact(self, phone: str, **profile: Any) -> dict[str, Any]:
        """Set a recipient's profile, e.g. ``set_contact("+15551234567", read_receipts=False)``.

        Fields: ``last_inbound`` (ISO time, a duration like ``"-1h"``, or None),
        ``read_receipts``, ``on_whatsapp``, ``online`` (booleans) and ``name``.
        """
        return contact_view(update_contact(self.world, phone, profile))

    def messages(self, **filters: str) -> list[dict[str, Any]]:
        """Every message with its history, oldest first; filter by ``provider``, ``status``, ``to``, ``direction``."""
        views = [message_view(m) for m in self.world.store]
        return [v for v in views if all(v.get(name) == value for name, value in filters.items())]

    def message(self, message_id: str) -> dict[str, Any]:
        """One message with its whole status history (KeyError if there is none)."""
        found = self.world.store.get(message_id)
        if found is None:
            raise KeyError(f"no message {message_id!r}")
        return message_view(found)

    def history(self, message_id: str) -> list[str]:
        """The statuses a message went through, in order: ``["queued", "sent", "delivered", "read"]``."""
        return [change["status"] for change in self.message(message_id)["history"]]

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Recorded API calls, oldest first (``provider``, ``method``, ``path_contains``, ``status``, ``limit``)."""
        return [entry.to_json() for entry in self.world.journal.query(**filters)]

    def deliveries(self, **filters: Any) -> list[dict[str, Any]]:
        """Webhook deliveries with every attempt (``provider``, ``message_id``, ``state``)."""
        return [delivery.to_json() for delivery in self.world.dispatcher.deliveries(**filters)]

    async def load_scenario(self, scenario: str | Path | Scenario) -> Scenario:
        """Put a scenario in force (a bundled name, a YAML file or a loaded Scenario); the world restarts.

        A bad scenario raises ScenarioError (naming file, line and field) and the old one stays.
        """
        loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        await self.world.clock.settle()
        install(self.world, loaded)
        return loaded

    @property
    def scenario(self) -> Scenario | None:
        """The scenario in force, if any."""
        return current(self.world)

    async def reset_world(self) -> bool:
        """Everything back to the start, after background work settles: the scenario the emulator
        started with and the clock mode too. False when a scenario loaded since cannot be taken
        out again (it started with none): only a new emulator is that clean."""
        await self.world.clock.settle()
        if current(self.world) is self._scenario_at_start:
            self.world.reset()
        elif self._scenario_at_start is not None:
            install(self.world, self._scenario_at_start)
        else:
            return False
        if self._scenario_at_start is None or self._scenario_at_start.clock is None:
            self.world.clock.set_mode(self.settings.clock)
        return True

    async def advance(self, seconds: float | str) -> float:
        """Move the emulated clock forward (seconds, or text like ``"1h"``, ``"30d"``), running everything
        that falls due. Returns the new time."""
        return await self.world.clock.advance(parse_duration(seconds))

    async def settle(self) -> None:
        """Wait for background work (webhook attempts) already under way."""
        await self.world.clock.settle()

    def reset(self) -> None:
        """Back to the start: messages, journal, deliveries, tenants and clock."""
        self.world.reset()
