"""What every provider emulation offers the app.

A provider owns its wire format completely: routes, auth, envelopes, status
vocabulary and webhook bodies. It reaches the core only through the World.
"""

from __future__ import annotations

from typing import Any, Protocol

from aiohttp import web

from ..core.world import World


class Provider(Protocol):
    name: str
    """Short lowercase name: the URL prefix without its slash and the key in /_emulator/credentials."""

    prefix: str
    """Where the provider's API is mounted, e.g. ``/mojeeb``; its paths follow as documented."""

    base_path: str
    """The path a client puts after ``http://HOST:PORT``: the prefix, plus ``/api`` for Qlara."""

    hosts: tuple[str, ...]
    """Real API hosts; a request whose Host header names one is served at the root."""

    def attach(self, world: World) -> None:
        """Once per world: register sandbox seeding and status/inbound listeners."""

    def build_app(self, world: World) -> web.Application:
        """A sub-application serving the API (may be called once per mount point)."""

    def credentials(self, world: World) -> dict[str, Any]:
        """The sandbox tenants, keys and sender identities, as shown to users."""
