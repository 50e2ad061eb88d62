"""The emulator in-process: what tests, the pytest plugin and the CLI all start.

Example::

    async with Emulator() as emu:              # 127.0.0.1, ephemeral port, manual clock
        url = emu.url("mojeeb")                 # http://127.0.0.1:PORT/mojeeb
        ...send with your client...
        await emu.advance(10)                   # statuses (and webhooks) that fall due, in order
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from ..app import RUNNER_OPTIONS, create_app, world_for
from ..control import templates as templates_control
from ..control.access import APP_KEY as access_key
from ..control.actions import receive_inbound, update_contact
from ..control.bins import bin_path, bin_view
from ..control.checks import delivery_filters, journal_filters, message_filters
from ..control.clock import clock_view
from ..control.errors import ControlNotFound, python_errors
from ..control.faults import mounts, parse_fault, routes
from ..control.messages import select_messages
from ..control.queue import held_view
from ..control.views import contact_view, message_view
from ..control.webhooks import add_directive
from ..core.clock import ClockMode, ClockSpec
from ..core.destinations import LOOPBACK
from ..core.timefmt import parse_duration
from ..core.world import World
from ..scenario import Scenario, current, install, load_scenario
from ..settings import Settings
from ..web import keys
from ..web.http import ApiError
from ..web.proxy import proxy_env, proxy_for
from ..web.tls import OpenConnections
from .errors import from_api_error
from .lookup import credentials_of, key_in, unknown_provider
from .queue import WebhookHold
from .verify import RequestFilter, StatusWait, Until, holds, verify_entries


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

    def listening_sockets(self) -> list[Any]:
        """The sockets the server accepts connections on (empty when it is not running)."""
        if self._listener is not None:
            return list(self._listener.sockets)
        sites = self._runner.sites if self._runner is not None else ()
        servers = [getattr(site, "_server", None) for site in sites]  # aiohttp keeps the asyncio.Server private
        return [sock for server in servers if server is not None for sock in server.sockets]

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
        raise unknown_provider(provider, self.provider_names)

    @property
    def provider_names(self) -> list[str]:
        """The providers mounted: ``["mojeeb", "wazapin", "qlara"]`` unless the settings chose fewer."""
        return [p.name for p in self.app[keys.providers]]

    @property
    def urls(self) -> dict[str, str]:
        """Base URL of every provider mounted, by name: ``{"mojeeb": "http://127.0.0.1:PORT/mojeeb", …}``."""
        return {provider.name: self.url(provider.name) for provider in self.app[keys.providers]}

    def credentials(self, provider: str | None = None) -> dict[str, Any]:
        """The sandbox tenants, keys and senders (as ``GET /_emulator/credentials``), or one provider's."""
        return credentials_of({p.name: p.credentials(self.world) for p in self.app[keys.providers]}, provider)

    def key(self, provider: str, name: str | None = None) -> str:
        """A key's secret: ``emu.key("mojeeb")`` (the first usable one), ``emu.key("mojeeb", "rate-limited")``."""
        return key_in(self.credentials(), provider, name)

    # -- control --------------------------------------------------------------------------

    async def inbound(self, provider: str, sender: str, text: str | None = None, to: str | None = None, *,
                      type: str = "text", **fields: Any) -> dict[str, Any]:
        """A customer (``sender``) writes to a business number of ``provider``; opens the 24-hour window.

        ``type`` is ``text`` (the default), ``image``, ``document``, ``audio``, ``location``, ``contact``,
        ``button_reply``, ``list_reply`` or ``reaction``; ``fields`` are that type's fields, named as in
        ``POST /_emulator/inbound``::

            await emu.inbound("wazapin", "+6281234567890", type="image", caption="Receipt")
            await emu.inbound("qlara", "+393401234567", type="button_reply", reply_id="yes", title="Yes")

        Returns the inbound message as ``GET /_emulator/messages/{id}`` shows it; a wrong or missing
        field raises ControlError naming it.
        """
        names = [p.name for p in self.app[keys.providers]]
        with python_errors():
            message = receive_inbound(self.world, names, provider, sender, text, to, kind=type, fields=fields)
        await self.world.clock.settle()
        return message_view(message)

    def set_contact(self, phone: str, **profile: Any) -> dict[str, Any]:
        """Set a recipient's profile, e.g. ``set_contact("+15551234567", read_receipts=False)``.

        Fields: ``last_inbound`` (ISO time, a duration like ``"-1h"``, or None),
        ``read_receipts``, ``on_whatsapp``, ``online`` (booleans) and ``name``. ``phone`` in any
        spelling (``15551234567`` is ``+15551234567``); an unknown field raises ControlError.
        """
        with python_errors():
            return contact_view(update_contact(self.world, phone, profile))
    def contacts(self) -> list[dict[str, Any]]:
        """Every recipient profile, as ``GET /_emulator/contacts`` lists them."""
        return [contact_view(c) for c in self.world.contacts.all()]

    def templates(self, provider: str | None = None, org: str | None = None) -> list[dict[str, Any]]:
        """Every organization's templates (as ``GET /_emulator/templates``), of ``provider`` or ``org`` if given."""
        return templates_control.list_view(self.world, provider, org)

    def add_template(self, org: str, name: str, language: str, **fields: Any) -> dict[str, Any]:
        """Add or replace a template of ``org``; a bad field raises ApiError naming it.

        ``add_template(org, "payment_due", "en", components=[{"type": "BODY", "text": "Due: {{1}}"}])``;
        other fields: ``category`` (UTILITY, MARKETING, AUTHENTICATION), ``status`` (approved,
        pending, rejected, paused, disabled).
        """
        return templates_control.put_template(self.world, {"org": org, "name": name, "language": language, **fields})

    def remove_template(self, org: str, name: str, language: str | None = None) -> int:
        """Remove ``org``'s template ``name`` (in ``language``, or in every language); how many went."""
        return templates_control.remove_template(self.world, org, name, language)

    def messages(self, **filters: str) -> list[dict[str, Any]]:
        """Every message with its history, oldest first; filter by ``provider``, ``status``, ``to``, ``direction``
        (checked as ``GET /_emulator/messages`` checks them: an unknown filter or value raises ControlError)."""
        with python_errors():
            return select_messages(self.world, message_filters(filters, self.world.provider_names))

    def message(self, message_id: str) -> dict[str, Any]:
        """One message with its whole status history (ControlNotFound, a KeyError, if there is none)."""
        found = self.world.store.get(message_id)
        if found is None:
            raise ControlNotFound(404, "message_not_found", f"No message with id {message_id!r}.")
        return message_view(found)

    def history(self, message_id: str) -> list[str]:
        """The statuses a message went through, in order: ``["queued", "sent", "delivered", "read"]``."""
        return [change["status"] for change in self.message(message_id)["history"]]

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Recorded API calls, oldest first, filtered as ``GET /_emulator/journal``: ``provider``, ``method``,
        ``path`` (a part of the path), ``status``, ``limit``."""
        with python_errors():
            checked = journal_filters(filters, self.world.provider_names)
        return [entry.to_json() for entry in self.world.journal.query(**checked)]

    def verify(self, count: int | None = None, *, method: str | None = None, path: str | None = None,
               provider: str | None = None, status: int | None = None,
               body_contains: str | None = None) -> list[dict[str, Any]]:
        """Assert ``count`` recorded calls (at least one if None) match; returns them. A failure lists the
        closest calls and what each missed, e.g. ``emu.verify(1, method="POST", path="/v1/messages")``.
        ``path`` is exact or a glob, whole or relative to the provider's base URL."""
        wanted = RequestFilter(method, path, provider, status, body_contains)
        return verify_entries(self.journal(), wanted, count)

    def deliveries(self, **filters: Any) -> list[dict[str, Any]]:
        """Webhook deliveries with every attempt (``provider``, ``message_id``, ``state``)."""
        with python_errors():
            checked = delivery_filters(filters, self.world.provider_names)
        return [delivery.to_json() for delivery in self.world.dispatcher.deliveries(**checked)]

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

    # -- clock ----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """The emulated time, as epoch seconds (what ``advance`` returns)."""
        return self.world.clock.now()

    @property
    def mode(self) -> str:
        """The clock's mode: ``"manual"``, ``"real"`` or ``"scaled"``."""
        return self.world.clock.mode.value

    def clock(self) -> dict[str, Any]:
        """The clock as ``GET /_emulator/clock`` shows it: ``now`` (ISO), ``epoch``, ``mode``, ``factor``…"""
        return clock_view(self.world)

    def set_mode(self, mode: str, factor: float | None = None) -> dict[str, Any]:
        """Switch the clock to ``"real"``, ``"manual"`` or ``"scaled"`` (with ``factor``) without a jump."""
        try:
            spec = ClockSpec.parse(f"scaled:{factor if factor is not None else ''}" if mode == "scaled" else mode)
        except ValueError as exc:
            raise from_api_error(ApiError(422, "invalid_clock_mode", str(exc))) from None
        self.world.clock.set_mode(spec)
        return self.clock()

    async def asleep(self, seconds: float | str) -> float:
        """An injectable sleeper for code under test: ``await emu.asleep(43)`` advances the emulated clock."""
        return await self.advance(seconds)

    def sleep(self, seconds: float | str) -> float:
        """The blocking sleeper; an emulator on the caller's own event loop cannot offer one."""
        raise RuntimeError("this Emulator serves on your event loop, so it cannot block: use `await emu.asleep()`, "
                           "or the wa_emulator fixture (ThreadedEmulator) whose sleep() blocks")

    async def wait_for_status(self, message_id: str, status: str, within: float | str | None = None,
                              step: float | str | None = None) -> dict[str, Any]:
        """Advance the emulated clock (timer to timer, at most ``within``, default an hour) until the message has
        reached ``status``; returns the message. AssertionError with its history if it never does."""
        wait = StatusWait.of(message_id, status, within, step)
        while not wait.reached(message := self.message(message_id)):
            due = self.world.clock.next_due()
            await self.advance(wait.next_step(message, float("inf") if due is None else due - self.now))
        return message

    async def wait_until(self, predicate: Callable[[], bool | Awaitable[bool]], within: float | str | None = None,
                         step: float | str | None = None) -> float:
        """Advance the emulated clock ``step`` (1 s) at a time until ``predicate()`` holds, at most ``within``
        (an hour); returns the emulated seconds waited. E.g. ``await emu.wait_until(lambda: sink.received)``."""
        until = Until.of(within, step, predicate)
        while not await holds(predicate()):
            await self.advance(until.next_step())
        return until.waited

    # -- faults and webhook directives ----------------------------------------------------

    def add_fault(self, **spec: Any) -> dict[str, Any]:
        """Inject a fault, as ``POST /_emulator/faults``: ``emu.add_fault(provider="mojeeb", status=503, times=1)``."""
        with python_errors():
            providers = self.app[keys.providers]
            fault = self.world.faults.add(**parse_fault(spec, mounts(providers), routes(providers)))
        return fault.to_json()

    def faults(self) -> list[dict[str, Any]]:
        """The faults in force."""
        return [fault.to_json() for fault in self.world.faults.all()]

    def remove_fault(self, fault_id: str) -> None:
        """Remove one fault (KeyError if there is none by that id)."""
        if not self.world.faults.remove(fault_id):
            raise ControlNotFound(404, "fault_not_found", f"No fault with id {fault_id!r}.")

    def clear_faults(self) -> None:
        """Remove every fault."""
        self.world.faults.clear()

    def webhook_directive(self, message_id: str, status: str, **how: Any) -> dict[str, Any]:
        """How the webhook of one future status change goes out, as ``POST /_emulator/webhooks/directives``:
        ``emu.webhook_directive(mid, "delivered", delay="5s")``, ``duplicate=2``, ``drop=True``."""
        with python_errors():
            silent = [p.name for p in self.app[keys.providers] if not p.webhooks]
            return add_directive(self.world, {"message_id": message_id, "status": status, **how}, silent)

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

    # -- the held webhook queue and request bins ----------------------------------

    def hold_webhooks(self, *, provider: str | None = None, endpoint_id: str | None = None, url: str | None = None,
                      message_id: str | None = None) -> WebhookHold:
        """Park outbound webhooks instead of sending them: every one, or those matching all the fields given.

        Returns the hold, a context manager that stops it on exit: ``with emu.hold_webhooks(message_id=m):``.
        Held webhooks wait whatever the clock does, until ``release()``, ``drop()`` or a reset.
        """
        hold = self.world.dispatcher.hold(provider=provider, endpoint_id=endpoint_id, url=url, message_id=message_id)
        return WebhookHold(self.world.dispatcher, hold)

    def stop_holding(self) -> None:
        """Stop every hold; what is held stays held."""
        self.world.dispatcher.unhold()

    def held(self) -> list[dict[str, Any]]:
        """The held queue (``GET /_emulator/webhooks/held``): id, provider, message_id, status, url, body, held_at…"""
        return [held_view(d) for d in self.world.dispatcher.held()]

    async def release(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Send held webhooks now, one after another in the order of ``ids`` (None: the whole queue, oldest
        first); each first attempt ends before the next starts. KeyError names an id that is not held."""
        return [d.to_json() for d in await self.world.dispatcher.release(ids)]

    def drop(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Lose held webhooks on purpose (None: all): recorded as dropped, never sent."""
        return [d.to_json() for d in self.world.dispatcher.drop(ids)]

    def duplicate(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Add a held copy of each held webhook named (None: all); returns the copies."""
        return [d.to_json() for d in self.world.dispatcher.duplicate(ids)]

    def bin_url(self, name: str = "demo") -> str:
        """The URL of request bin ``name`` on this emulator, to register as a webhook destination."""
        return self.base_url + bin_path(name)

    def bin(self, name: str = "demo") -> list[dict[str, Any]]:
        """What request bin ``name`` received, oldest first: headers, body, provider, signature check."""
        return list(bin_view(self.world, name)["data"])
