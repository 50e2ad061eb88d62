"""What every provider driver offers; see ``tests/drivers/mojeeb.py`` for the reference one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import aiohttp

from wa_emulator.core.world import World

RouteKind = Literal["send", "status", "config"]


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


def raise_key_limits(world: World, provider: str, per_minute: int) -> None:
    """Give every sandbox key of ``provider`` a rate limit of ``per_minute``."""
    for key in world.tenants.keys.values():
        if world.tenants.orgs[key.org_id].provider == provider:
            key.rate_limit = per_minute


async def call(http: aiohttp.ClientSession, method: str, url: str, headers: Mapping[str, str], expect: int,
               body: Mapping[str, Any] | None = None) -> Any:
    """One JSON request that must answer ``expect``; returns the decoded body."""
    async with http.request(method, url, json=body, headers=headers) as response:
        data = await response.json(content_type=None)
        assert response.status == expect, data
        return data


class Driver(Protocol):
    name: str
    routes: tuple[Route, ...]
    """Every API operation; the benchmarks load the first send route and the first status route."""
    status_rank: Mapping[str, int]
    """Each status word the provider polls with, ranked: a later poll must never rank lower."""
    phones_accepted: frozenset[str]
    """Numbers of the corpus's malformed list this provider documents as valid (e.g. no "+")."""

    def auth(self) -> dict[str, str]:
        """Headers of the sandbox's full-access credentials."""

    def unlimit(self, world: World, per_minute: int) -> None:
        """Raise the sandbox keys' rate limits (benchmarks and the soak would be throttled)."""

    def check_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """Assert that an error answer is in the provider's own envelope."""

    async def send(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        """Send a template to ``to`` (allowed outside the 24-hour window); return the message id."""

    async def send_text(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        """Send free-form text to ``to`` (subject to the 24-hour window); return the message id."""

    async def poll(self, http: aiohttp.ClientSession, base: str, message_id: str) -> str:
        """The message's status word as the provider's status route reports it."""
