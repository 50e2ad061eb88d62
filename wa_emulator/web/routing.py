"""How a request finds its handler: one flat aiohttp router, one resource per API.

aiohttp's own way to host several APIs in one server (a sub-application per prefix, a
``add_domain`` mount per real host, middlewares on each) costs every request a domain check
per host, a sub-router walk and two coroutine layers per middleware: about 20 µs of the
40 µs a bare aiohttp handler costs in all. Here each API is one :class:`Mount` on the root
router, found by its prefix in the router's index; inside it a :class:`Routes` table matches
the rest of the path with a dict lookup (static paths) or a handful of regexes, and every
handler it returns is already wrapped in its API's front door (see ``front.py``),
so no aiohttp middleware runs at all.

A request whose ``Host`` names a provider's real API (``api.mojeeb.app``) is served at the
root by :class:`HostDispatch`, the router's last resort for any path no prefix claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from aiohttp import web
from aiohttp.web_urldispatcher import (
    AbstractResource,
    AbstractRoute,
    DynamicResource,
    PlainResource,
    ResourceRoute,
    UrlMappingMatchInfo,
)
from yarl import URL

from .operations import Handler

_PARAM = re.compile(r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<pattern>[^{}]*))?\}")
_DEFAULT_PARAM = "[^{}/]+"  # aiohttp's default: one path segment


def _compile(template: str) -> re.Pattern[str]:
    """The regex for a path template with ``{name}`` or ``{name:regex}`` parts, as aiohttp reads them.

    >>> _compile("/openapi/{name}.json").fullmatch("/openapi/mojeeb.json")["name"]
    'mojeeb'
    """
    pattern, last = [], 0
    for part in _PARAM.finditer(template):
        pattern.append(re.escape(template[last:part.start()]))
        pattern.append(f"(?P<{part['name']}>{part['pattern'] or _DEFAULT_PARAM})")
        last = part.end()
    pattern.append(re.escape(template[last:]))
    return re.compile("".join(pattern))


def _unquote(value: str) -> str:
    # The path is matched in aiohttp's "path_safe" form, where only %2F and %25 stay encoded,
    # so an id may contain a slash without splitting the path; decode them as aiohttp does.
    return value.replace("%2F", "/").replace("%25", "%") if "%" in value else value


class _Miss(UrlMappingMatchInfo):
    """A path or method the API lacks: its front door answers, in the API's own envelope."""

    def __init__(self, route: AbstractRoute, exception: web.HTTPException) -> None:
        super().__init__({}, route)
        self._exception = exception

    @property
    def http_exception(self) -> web.HTTPException:
        return self._exception


class Routes:
    """One API's route table: a dict lookup for static paths, a handful of regexes for the rest.

    Handlers are added already behind their API's front door; ``miss`` answers a path or method
    the API lacks (its front door words the 404 or 405).

    >>> async def hello(request): return web.Response(text="hi")
    >>> routes = Routes(miss=hello)
    >>> _ = routes.add_route("GET", "/v1/messages/{id}", hello)
    >>> info = routes.resolve("GET", "/v1/messages/42")
    >>> info["id"], info.route.resource.canonical
    ('42', '/v1/messages/{id}')
    >>> routes.resolve("DELETE", "/v1/messages/42").http_exception.status
    405
    """

    def __init__(self, miss: Handler) -> None:
        self._static: dict[str, dict[str, ResourceRoute]] = {}
        self._dynamic: list[tuple[re.Pattern[str], dict[str, ResourceRoute]]] = []
        self._resources: dict[str, PlainResource | DynamicResource] = {}
        self._by_template: dict[str, dict[str, ResourceRoute]] = {}
        self._miss_route = PlainResource("/{tail}").add_route("*", miss)

    def add_route(self, method: str, template: str, handler: Handler) -> ResourceRoute:
        """Serve ``method`` (``*``: any) on ``template`` (``/v1/messages/{id}``) with ``handler``."""
        resource = self._resources.get(template)
        if resource is None:
            resource = DynamicResource(template) if "{" in template else PlainResource(template)
            self._resources[template] = resource
            methods = self._by_template[template] = {}
            if "{" in template:
                self._dynamic.append((_compile(template), methods))
            else:
                self._static[template] = methods
        route = resource.add_route(method, handler)
        self._by_template[template][method.upper()] = route
        return route

    def routes(self) -> Iterator[ResourceRoute]:
        """Every route, in the order added (``route.method``, ``route.resource.canonical``)."""
        for resource in self._resources.values():
            yield from resource  # type: ignore[misc]

    def resolve(self, method: str, path: str) -> UrlMappingMatchInfo:
        """The match for ``path`` (relative to the API's base), or a miss its front door answers."""
        methods = self._static.get(path)
        params: dict[str, str] = {}
        if methods is None:
            for regex, candidate in self._dynamic:
                found = regex.fullmatch(path)
                if found is not None:
                    methods = candidate
                    params = found.groupdict()
                    if "%" in path:
                        params = {key: _unquote(value) for key, value in params.items()}
                    break
            else:
                return _Miss(self._miss_route, web.HTTPNotFound())
        route = methods.get(method) or methods.get("*")
        if route is None:
            return _Miss(self._miss_route, web.HTTPMethodNotAllowed(method, set(methods)))
        return UrlMappingMatchInfo(params, route)


class _Resource(AbstractResource):
    """What aiohttp asks of a resource it does not build itself; nothing here builds URLs."""

    def url_for(self, **kwargs: str) -> URL:
        raise NotImplementedError(f"{self!r} serves a whole API; it has no single URL")

    def add_prefix(self, prefix: str) -> None:
        raise NotImplementedError(f"{self!r} belongs on the root router")

    def raw_match(self, path: str) -> bool:
        return False

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(())


class Mount(_Resource):
    """Every path under ``prefix`` (``/mojeeb``), served by ``routes``.

    The root router indexes it under the prefix, so finding it costs a few dict lookups.
    """

    def __init__(self, prefix: str, routes: Routes) -> None:
        super().__init__()
        self._prefix = prefix
        self._routes = routes

    @property
    def canonical(self) -> str:
        return self._prefix

    def get_info(self) -> dict[str, Any]:
        return {"prefix": self._prefix}

    async def resolve(self, request: web.Request) -> tuple[UrlMappingMatchInfo | None, set[str]]:
        path = request.rel_url.path_safe
        prefix = self._prefix
        if not path.startswith(prefix) or (len(path) > len(prefix) and path[len(prefix)] != "/"):
            return None, set()
        return self._routes.resolve(request.method, path[len(prefix):] or "/"), set()

    def __repr__(self) -> str:
        return f"<Mount {self._prefix}>"


class HostDispatch(_Resource):
    """The root router's last resort: APIs by ``Host`` header, then ``fallback`` for anything else.

    ``Host`` is compared without its port and case-insensitively, so ``api.mojeeb.app:8080``
    (a client whose hosts file points the real name at the emulator) reaches Mojeeb.
    """

    def __init__(self, by_host: Mapping[str, Routes], fallback: Routes) -> None:
        super().__init__()
        self._by_host = {host.lower(): routes for host, routes in by_host.items()}
        self._fallback = fallback

    @property
    def canonical(self) -> str:
        return "/"

    def get_info(self) -> dict[str, Any]:
        return {"hosts": sorted(self._by_host)}

    async def resolve(self, request: web.Request) -> tuple[UrlMappingMatchInfo | None, set[str]]:
        raw = request.headers.get("Host", "")
        name, colon, port = raw.rpartition(":")
        if not colon or not port.isdigit():  # no port, or the end of an IPv6 literal
            name = raw
        routes = self._by_host.get(name.lower(), self._fallback)
        return routes.resolve(request.method, request.rel_url.path_safe), set()

    def __repr__(self) -> str:
        return f"<HostDispatch {', '.join(sorted(self._by_host))}>"
