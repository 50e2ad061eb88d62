"""What every provider's test client shares; ``mojeeb.py`` is the reference client."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

import aiohttp

from wa_emulator.core.world import World
from wa_emulator.testing.emulator import Emulator
from wa_emulator.testing.sink import WebhookSink

RouteKind = Literal["send", "status", "config"]

LOWERCASE_WORDS: Mapping[str, str] = {
    "queued": "queued", "sent": "sent", "received": "sent", "delivered": "delivered",
    "read": "read", "failed": "failed", "expired": "failed",
}
"""The five lowercase words Mojeeb and Wazapin both report, for each core status."""
LOWERCASE_RANK: Mapping[str, int] = {"queued": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 3}
"""Their order; "failed" is terminal like "read", so either may follow "delivered"."""


@dataclass(frozen=True, slots=True)
class Route:
    """One API operation, as a client calls it.

    ``path`` is relative to the provider's base URL; ``{id}`` stands for a message id.
    ``kind`` is "send" (creates a message), "status" (a read or a body-less action, where a
    broken body is simply ignored) or "config" (a write with a JSON body that creates no
    message, such as a webhook endpoint). ``public`` routes need no credentials.
    ``body`` is a valid JSON body for sends (None for reads); ``phone_field`` names the body
    field the bad-input corpus bends into a malformed number; ``loose_fields`` are fields the
    provider documents as taking more than one JSON type; ``query`` is a query string the route
    always needs.

    >>> Route("get_message", "GET", "/v1/messages/{id}", "status").url("http://h/p", "m1")
    'http://h/p/v1/messages/m1'
    """

    name: str
    method: str
    path: str
    kind: RouteKind
    body: Mapping[str, Any] | None = None
    phone_field: str | None = None
    loose_fields: tuple[str, ...] = ()
    query: str = ""  # a query string the route needs, e.g. "channel=WHATSAPP"
    other_methods: tuple[str, ...] = ()  # methods another operation answers on the same path
    public: bool = False
    nullable: tuple[str, ...] = ()  # optional fields where null means "not given" (the default applies)

    def url(self, base: str, message_id: str = "") -> str:
        return base + self.path.replace("{id}", message_id) + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer: its status, its headers and its JSON body (None when it has none)."""

    status: int
    headers: Mapping[str, str]
    body: Any


@dataclass(frozen=True, slots=True)
class Sent(Answer):
    """A send's answer; ``id`` is the message id when the provider accepted it."""

    id: str | None


@dataclass
class Client:
    """One provider's client of a running emulator, speaking only HTTP to it (its API and the control API).

    It starts with the sandbox's full-access credentials; ``start()`` takes them from
    ``GET /_emulator/credentials`` instead (as after a scenario) and, for providers that push,
    points their status webhook at ``sink``.
    """

    emu: Emulator
    http: aiohttp.ClientSession
    sink: WebhookSink | None = None  # running, when the test reads webhooks

    provider: ClassVar[str]
    routes: ClassVar[tuple[Route, ...]]
    """Every API operation with a valid request; the first is a template send to the sandbox's first sender."""
    recipient: ClassVar[str] = "to"
    """The send body's field naming the recipient."""
    accepted: ClassVar[int]
    """The status of an accepted send."""
    default_key: ClassVar[str]
    """The name of the key ``start()`` takes, as /_emulator/credentials lists it."""
    words: ClassVar[Mapping[str, str]]
    """The provider's word for each core status (queued, sent, received, delivered, read, failed, expired)."""
    status_rank: ClassVar[Mapping[str, int]]
    """Each status word ranked: a later poll must never rank lower."""
    phones_accepted: ClassVar[frozenset[str]] = frozenset()
    """Numbers of the bad-input corpus's malformed list this provider documents as valid (e.g. no "+")."""

    # -- credentials ----------------------------------------------------------------------

    async def start(self) -> Self:
        """Take the default key and, for providers that push, point their webhook at the sink."""
        await self.use_key(self.default_key)
        if self.sink is not None:
            await self.subscribe(self.sink.url)
        return self

    async def subscribe(self, url: str) -> None:
        """Have the provider push status webhooks to ``url`` (nothing, for a provider that never pushes)."""

    async def load(self, scenario: str) -> None:
        """Put a bundled scenario in force (``POST /_emulator/scenario``), then get ready to send again."""
        async with self.http.post(f"{self.emu.base_url}/_emulator/scenario", json={"name": scenario}) as response:
            assert response.status == 201, await response.text()
        if self.sink is not None:
            self.sink.received.clear()
        await self.start()  # a scenario starts the world afresh: keys and webhook settings included

    async def use_key(self, name: str) -> None:
        """Send with the key of that name from /_emulator/credentials from now on."""
        async with self.http.get(f"{self.emu.base_url}/_emulator/credentials") as response:
            organizations = (await response.json())[self.provider]["organizations"]
        for org in organizations:
            for key in org["keys"]:
                if key["name"] == name:
                    self.take(key, org)
                    return
        raise LookupError(f"no {self.provider} key named {name!r}")

    def take(self, key: dict[str, Any], org: dict[str, Any]) -> None:
        """Remember what sending with ``key`` of ``org`` needs (the secret, a sender)."""
        raise NotImplementedError

    def auth(self) -> dict[str, str]:
        """The headers that carry the current key."""
        raise NotImplementedError

    def unlimit(self, world: World, per_minute: int) -> None:
        """Raise the provider's sandbox rate limits (a test firing many requests would be throttled); Mojeeb
        and Wazapin limit each key."""
        for key in world.tenants.keys.values():
            if world.tenants.orgs[key.org_id].provider == self.provider:
                key.rate_limit = per_minute

    # -- calls ----------------------------------------------------------------------------

    @property
    def base(self) -> str:
        """The provider's base URL."""
        return self.emu.url(self.provider)

    async def call(self, method: str, path: str, *, json: Any = None, params: Mapping[str, str] | None = None,
                   headers: Mapping[str, str] | None = None) -> Answer:
        """One request to ``path`` under the provider's base URL, with the current key."""
        sent = {**self.auth(), **(headers or {})}
        async with self.http.request(method, self.base + path, json=json, params=params, headers=sent) as response:
            return Answer(response.status, response.headers, await response.json(content_type=None))

    async def post(self, path: str, body: Mapping[str, Any], accepted: int | None = None,
                   id_of: Callable[[Any], str] | None = None) -> Sent:
        """POST ``body``; ``id_of`` (the message id by default) reads the answer's id when its status is
        ``accepted`` (an accepted send's by default)."""
        answer = await self.call("POST", path, json=body)
        ok = answer.status == (self.accepted if accepted is None else accepted)
        found = (id_of or self.message_id)(answer.body) if ok else None
        return Sent(answer.status, answer.headers, answer.body, found)

    async def get(self, path: str, **params: str) -> Any:
        """GET from the provider's API, which must answer 200; the decoded body."""
        answer = await self.call("GET", path, params=params)
        assert answer.status == 200, answer.body
        return answer.body

    def message_id(self, answer: Any) -> str:
        """The message id in an accepted send's answer."""
        raise NotImplementedError

    async def send(self, to: str, route: Route | None = None) -> str:
        """Send ``route``'s valid request (by default the first route, a template) to ``to``; the message id."""
        chosen = route or self.routes[0]
        sent = await self.post(chosen.url(""), {**(chosen.body or {}), self.recipient: self.number(to)})
        assert sent.id is not None, sent.body
        return sent.id

    def number(self, phone: str) -> str:
        """``phone`` (E.164, with "+") as the provider's bodies write a number."""
        return phone

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent:
        """Free-form text to ``to`` (subject to the 24-hour window), from the current key's first sender."""
        raise NotImplementedError

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent:
        """A template to ``to`` (allowed outside the 24-hour window), from the current key's first sender."""
        raise NotImplementedError

    async def status(self, message_id: str) -> str:
        """The message's status, as the provider words it."""
        raise NotImplementedError

    # -- what came back -------------------------------------------------------------------

    def error_contract(self, status: int) -> str:
        """The contract (contracts/<provider>/<name>.json) an error answer with ``status`` follows."""
        return "error"

    def check_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """Assert that an error answer is in the provider's own envelope."""
        raise NotImplementedError

    async def webhooks(self) -> list[tuple[str, str]] | None:
        """Status webhooks the sink received so far as (message id, provider word); None if the provider
        never pushes."""
        return None

    def bodies(self) -> list[Any]:
        """Every webhook body the sink received, in arrival order."""
        assert self.sink is not None, "this client was made without a webhook sink"
        return self.sink.bodies()
