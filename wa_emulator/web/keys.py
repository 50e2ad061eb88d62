"""Every aiohttp AppKey the emulator uses, in one place.

Handlers reach the world one way: ``request.app[keys.world]`` (the router is flat, so
``request.app`` is always the emulator's one application).
"""

from __future__ import annotations

from aiohttp import web

from ..core.world import World
from ..settings import Settings
from .tls import ServerTls

world = web.AppKey("world", World)
settings = web.AppKey("settings", Settings)
providers = web.AppKey("providers", tuple)  # every Provider mounted, in mount order
tls = web.AppKey("tls", ServerTls)  # present only when the server answers HTTPS (or proxies it)
apis = web.AppKey("apis", dict)  # name -> (ApiDescription, base path) of every API served, the control API last
