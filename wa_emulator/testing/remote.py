"""Control clients for an emulator you did not start (CI, a container, ``wa-emulator serve``).

The same method names and return shapes as the in-process emulator, over the control API::

    emu = RemoteEmulator("http://127.0.0.1:8066")           # blocking (urllib: no extra dependency)
    emu.advance(10); emu.history(message_id); emu.verify(1, path="/v1/whatsapp/templates")

    async with AsyncRemoteEmulator("http://127.0.0.1:8066") as emu:   # every call awaited (aiohttp)
        await emu.advance(10); await emu.history(message_id)

A refused call raises ``ControlError`` (a ValueError; ``ControlNotFound``, a KeyError too, for a
404) with the control API's own message.
"""

from __future__ import annotations

import asyncio
import functools
import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlencode

import aiohttp

from ..providers import all_providers
from .errors import control_error
from .lookup import credentials_of, key_in, unknown_provider
from .verify import RequestFilter, StatusWait, Until, holds, verify_entries

TIMEOUT = 60.0  # seconds; an advance that fires many webhooks can take a while, a hang must not last forever


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    """The scenario in force on a remote emulator (``GET /_emulator/scenario``): ``name`` as on ``Scenario``."""

    name: str
    description: str | None
    source: str | None
    raw: Any = None


@dataclass(frozen=True, slots=True)
class Call:
    """One control request, and what to make of its JSON answer."""

    method: str
    path: str
    query: dict[str, Any] | None = None
    body: Any = None
    text: str | None = None  # a scenario posted as YAML
    then: Callable[[Any], Any] = field(default=lambda answer: answer)

    def url(self, base: str) -> str:
        query = {k: v for k, v in (self.query or {}).items() if v is not None}
        return f"{base}/_emulator{self.path}" + (f"?{urlencode(query)}" if query else "")

    def payload(self) -> tuple[bytes | None, dict[str, str]]:
        if self.text is not None:
            return self.text.encode(), {"Content-Type": "application/yaml"}
        if self.body is None:
            return None, {}
        return json.dumps(self.body).encode(), {"Content-Type": "application/json"}


def _data(answer: Any) -> Any:
    return answer["data"]


def _scenario(answer: Any) -> ScenarioInfo | None:
    if answer.get("name") is None:
        return None
    return ScenarioInfo(answer["name"], answer.get("description"), answer.get("source"), answer.get("scenario"))


def _journal_query(filters: dict[str, Any]) -> dict[str, Any]:
    if "path_contains" in filters:  # the name the in-process journal once used
        filters["path"] = filters.pop("path_contains")
    return filters


class _Calls:
    """Every remote control call as a ``Call``: written once, sent by the sync and the async client alike."""

    @staticmethod
    def clock() -> Call:
        return Call("GET", "/clock")

    @staticmethod
    def advance(seconds: float | str) -> Call:
        return Call("POST", "/clock/advance", body={"seconds": seconds}, then=lambda answer: answer["epoch"])

    @staticmethod
    def set_mode(mode: str, factor: float | None = None) -> Call:
        return Call("POST", "/clock/mode", body={"mode": mode, **({"factor": factor} if factor is not None else {})})

    @staticmethod
    def reset() -> Call:
        return Call("POST", "/reset", body={}, then=lambda answer: True)

    @staticmethod
    def scenario() -> Call:
        return Call("GET", "/scenario", then=_scenario)

    @staticmethod
    def load_scenario(scenario: str | Path) -> Call:
        path = Path(scenario)
        if isinstance(scenario, Path) or (path.suffix in (".yaml", ".yml", ".json") and path.is_file()):
            return Call("POST", "/scenario", text=path.read_text(encoding="utf-8"), then=_scenario)
        return Call("POST", "/scenario", body={"name": str(scenario)}, then=_scenario)

    @staticmethod
    def messages(**filters: str) -> Call:
        return Call("GET", "/messages", query=filters, then=_data)

    @staticmethod
    def message(message_id: str) -> Call:
        return Call("GET", f"/messages/{quote(message_id, safe='')}")

    @staticmethod
    def history(message_id: str) -> Call:
        return Call("GET", f"/messages/{quote(message_id, safe='')}",
                    then=lambda answer: [change["status"] for change in answer["history"]])

    @staticmethod
    def journal(**filters: Any) -> Call:
        return Call("GET", "/journal", query=_journal_query(filters), then=_data)

    @staticmethod
    def verify(count: int | None = None, *, method: str | None = None, path: str | None = None,
               provider: str | None = None, status: int | None = None, body_contains: str | None = None) -> Call:
        wanted = RequestFilter(method, path, provider, status, body_contains)
        return Call("GET", "/journal", then=lambda answer: verify_entries(answer["data"], wanted, count))

    @staticmethod
    def deliveries(**filters: Any) -> Call:
        return Call("GET", "/webhooks/deliveries", query=filters, then=_data)

    @staticmethod
    def contacts() -> Call:
        return Call("GET", "/contacts", then=_data)

    @staticmethod
    def set_contact(phone: str, **profile: Any) -> Call:
        return Call("PUT", f"/contacts/{quote(phone, safe='+')}", body=profile)

    @staticmethod
    def inbound(provider: str, sender: str, text: str | None = None, to: str | None = None, *,
                type: str = "text", **fields: Any) -> Call:
        body = {"provider": provider, "from": sender, **({"text": text} if text is not None else {}),
                **({"to": to} if to is not None else {}), **({"type": type} if type != "text" else {}), **fields}
        return Call("POST", "/inbound", body=body)

    @staticmethod
    def add_fault(**spec: Any) -> Call:
        return Call("POST", "/faults", body=spec)

    @staticmethod
    def faults() -> Call:
        return Call("GET", "/faults", then=_data)

    @staticmethod
    def remove_fault(fault_id: str) -> Call:
        return Call("DELETE", f"/faults/{quote(fault_id, safe='')}", then=lambda answer: None)

    @staticmethod
    def clear_faults() -> Call:
        return Call("DELETE", "/faults", then=lambda answer: None)

    @staticmethod
    def webhook_directive(message_id: str, status: str, **how: Any) -> Call:
        return Call("POST", "/webhooks/directives", body={"message_id": message_id, "status": status, **how})

    @staticmethod
    def credentials(provider: str | None = None) -> Call:
        return Call("GET", "/credentials", then=lambda every: credentials_of(every, provider))

    @staticmethod
    def key(provider: str, name: str | None = None) -> Call:
        return Call("GET", "/credentials", then=lambda every: key_in(every, provider, name))

    @staticmethod
    def health() -> Call:
        return Call("GET", "/health")


CALLS = [name for name in vars(_Calls) if not name.startswith("_")]


def _raise_for(status: int, raw: bytes) -> None:
    try:
        error = json.loads(raw)["error"]
        code, message = str(error.get("code")), str(error.get("message"))
        extra = {k: v for k, v in error.items() if k not in ("code", "message")}
    except (ValueError, KeyError, TypeError, AttributeError):
        code, message, extra = "http_error", f"HTTP {status}: {raw[:200].decode('utf-8', 'replace')}", {}
    raise control_error(status, code, message, **extra)


class _Addresses:
    """Provider URLs from the base URL: the mount points are fixed, so no request is needed."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._paths = {provider.name: provider.base_path for provider in all_providers()}

    def url(self, provider: str) -> str:
        """The base URL a client of ``provider`` should use, e.g. ``emu.url("qlara")``."""
        if provider not in self._paths:
            raise unknown_provider(provider, list(self._paths))
        return self.base_url + self._paths[provider]

    @property
    def urls(self) -> dict[str, str]:
        return {name: self.url(name) for name in self._paths}


def _sync_method(name: str) -> Callable[..., Any]:
    spec = getattr(_Calls, name)

    @functools.wraps(spec)
    def method(self: RemoteEmulator, *args: Any, **kwargs: Any) -> Any:
        return self.send(spec(*args, **kwargs))

    return method


def _async_method(name: str) -> Callable[..., Awaitable[Any]]:
    spec = getattr(_Calls, name)

    @functools.wraps(spec)
    async def method(self: AsyncRemoteEmulator, *args: Any, **kwargs: Any) -> Any:
        return await self.send(spec(*args, **kwargs))

    return method


class RemoteEmulator(_Addresses):
    """A blocking control client: ``RemoteEmulator("http://127.0.0.1:8066", token=None)``.

    Methods as on the in-process emulator: ``advance``, ``now``, ``mode``, ``clock``, ``set_mode``, ``reset``,
    ``scenario``, ``load_scenario``, ``messages``, ``message``, ``history``, ``journal``, ``verify``,
    ``deliveries``, ``contacts``, ``set_contact``, ``inbound``, ``add_fault``, ``faults``, ``remove_fault``,
    ``clear_faults``, ``webhook_directive``, ``credentials``, ``key``, ``url``, ``wait_for_status``,
    ``wait_until``, ``sleep``.
    """

    def send(self, call: Call) -> Any:
        """Send one control call; its answer (after ``call.then``), or ControlError."""
        data, headers = call.payload()
        request = urllib.request.Request(call.url(self.base_url), data=data, method=call.method,
                                         headers={**self._headers, **headers, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            _raise_for(error.code, error.read())
        return call.then(json.loads(raw) if raw else None)

    @property
    def now(self) -> float:
        """The emulated time, as epoch seconds."""
        return self.clock()["epoch"]

    @property
    def mode(self) -> str:
        return self.clock()["mode"]

    @property
    def scenario(self) -> ScenarioInfo | None:  # type: ignore[override]
        return self.send(_Calls.scenario())

    def sleep(self, seconds: float | str) -> float:
        """An injectable sleeper: advances the emulated clock instead of waiting."""
        return self.advance(seconds)

    async def asleep(self, seconds: float | str) -> float:
        return await asyncio.to_thread(self.advance, seconds)

    def wait_for_status(self, message_id: str, status: str, within: float | str | None = None,
                        step: float | str | None = None) -> dict[str, Any]:
        """Advance the emulated clock ``step`` (1 s) at a time until the message reached ``status``, at most
        ``within`` (an hour); returns the message."""
        wait = StatusWait.of(message_id, status, within, step)
        while not wait.reached(message := self.message(message_id)):
            self.advance(wait.next_step(message))
        return message

    def wait_until(self, predicate: Callable[[], bool], within: float | str | None = None,
                   step: float | str | None = None) -> float:
        """Advance the emulated clock ``step`` at a time until ``predicate()`` holds, at most ``within``."""
        until = Until.of(within, step, predicate)
        while not predicate():
            self.advance(until.next_step())
        return until.waited


class AsyncRemoteEmulator(_Addresses):
    """An async control client (aiohttp): ``async with AsyncRemoteEmulator(base_url) as emu:``; every call is
    awaited, ``now()`` and ``mode()`` and ``scenario()`` included, and ``url()``/``urls`` are plain."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        super().__init__(base_url, token)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, call: Call) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT))
        data, headers = call.payload()
        async with self._session.request(call.method, call.url(self.base_url), data=data,
                                         headers={**self._headers, **headers}) as answer:
            raw = await answer.read()
            if answer.status >= 400:
                _raise_for(answer.status, raw)
        return call.then(json.loads(raw) if raw else None)

    async def now(self) -> float:
        return (await self.clock())["epoch"]

    async def mode(self) -> str:
        return (await self.clock())["mode"]

    async def sleep(self, seconds: float | str) -> float:
        return await self.advance(seconds)

    async def asleep(self, seconds: float | str) -> float:
        """An injectable sleeper: ``await emu.asleep(43)`` advances the emulated clock instead of waiting."""
        return await self.advance(seconds)

    async def wait_for_status(self, message_id: str, status: str, within: float | str | None = None,
                              step: float | str | None = None) -> dict[str, Any]:
        wait = StatusWait.of(message_id, status, within, step)
        while not wait.reached(message := await self.message(message_id)):
            await self.advance(wait.next_step(message))
        return message

    async def wait_until(self, predicate: Callable[[], Any], within: float | str | None = None,
                         step: float | str | None = None) -> float:
        until = Until.of(within, step, predicate)
        while not await holds(predicate()):
            await self.advance(until.next_step())
        return until.waited


for _name in CALLS:
    if _name not in ("scenario",):
        setattr(RemoteEmulator, _name, _sync_method(_name))
    setattr(AsyncRemoteEmulator, _name, _async_method(_name))
