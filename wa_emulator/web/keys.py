"""Every aiohttp AppKey the emulator uses, in one place."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core.world import World
from ..settings import Settings

world = web.AppKey("world", World)
settings = web.AppKey("settings", Settings)
providers = web.AppKey("providers", tuple)  # every Provider mounted, in mount order
response_check = web.AppKey("response_check", Any)  # strict mode: (api, request, response) -> problem | None
