"""``/_emulator/faults``: list, add, delete and clear the faults in force on provider routes.

A fault is ``{"provider", "method", "path", "latency", "status", "drop", "every",
"probability", "times"}`` (all optional; see ``wa_emulator.core.faults``). Its
``status`` comes back in the provider's own envelope; ``drop`` closes the
connection without an answer; ``latency`` waits real seconds first.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

from ..core.destinations import CONTROL_PREFIX
from ..core.timefmt import parse_duration
from ..web import keys
from ..web.http import ApiError, json_response, read_json_object
from .checks import refuse_unknown

MAX_LATENCY = 60.0  # real seconds; a longer stall only makes a test suite hang


async def list_faults(request: web.Request) -> web.Response:
    faults = [fault.to_json() for fault in request.app[keys.world].faults.all()]
    return json_response({"data": faults, "count": len(faults)})


async def add_fault(request: web.Request) -> web.Response:
    """Add one fault, e.g. ``{"provider": "mojeeb", "path": "/v1/whatsapp/*", "status": 503, "times": 2}``."""
    body = await read_json_object(request)
    providers = request.app[keys.providers]
    spec = parse_fault(body, mounts(providers), routes(providers))
    fault = request.app[keys.world].faults.add(**spec)
    return json_response(fault.to_json(), status=201)


async def delete_fault(request: web.Request) -> web.Response:
    fault_id = request.match_info["id"]
    if not request.app[keys.world].faults.remove(fault_id):
        raise ApiError(404, "fault_not_found", f"No fault with id {fault_id!r}.")
    return web.Response(status=204)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[keys.world].faults.clear()
    return web.Response(status=204)


FAULT_FIELDS = ("provider", "method", "path", "latency", "status", "drop", "every", "probability", "times")


def mounts(providers: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """Each provider's name and the path prefixes a request reaches its base URL by (``/qlara/api``, ``/api``)."""
    found = {}
    for provider in providers:
        root = provider.base_path[len(provider.prefix):]
        found[provider.name] = (provider.base_path, root) if root else (provider.base_path,)
    return found


def routes(providers: Iterable[Any]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each provider's operations as ``(METHOD, path template)``, paths relative to its base URL."""
    return {p.name: tuple((op.method.upper(), op.path) for op in p.api.operations) for p in providers}


def reaches_a_route(method: str | None, path: str, templates: Iterable[tuple[str, str]]) -> bool:
    """Whether a fault's path pattern can match some request to one of ``templates``.

    ``*`` stands for one segment (or part of one), ``**`` for any number; a template's
    ``{name}`` takes any one segment.

    >>> routes = [("GET", "/v1/whatsapp/messages/{id}"), ("POST", "/v1/whatsapp/templates")]
    >>> [reaches_a_route(None, p, routes) for p in ("/v1/whatsapp/messages/abc", "/v1/**", "/v1/whatsap/*")]
    [True, True, False]
    >>> reaches_a_route("DELETE", "/v1/whatsapp/templates", routes)
    False
    """
    wanted = path.strip("/").split("/") if path.strip("/") else []
    return any((method is None or method == verb) and _segments_fit(wanted, template.strip("/").split("/"))
               for verb, template in templates)


def _segments_fit(pattern: list[str], template: list[str]) -> bool:
    if not pattern:
        return not template
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_segments_fit(rest, template[i:]) for i in range(len(template) + 1))
    if not template:
        return False
    segment = template[0]
    fits = segment.startswith("{") or fnmatch.fnmatchcase(segment, head)
    return fits and _segments_fit(rest, template[1:])


def scenario_fault_problems(scenario: Any, known: Mapping[str, Iterable[tuple[str, str]]],
                            ) -> list[tuple[tuple[str | int, ...], str]]:
    """Each fault of a scenario (its ``faults`` list, as parsed) whose path no operation of its
    provider(s) has, so it would never fire: its place in the scenario and why.

    >>> known = {"mojeeb": [("POST", "/v1/whatsapp/templates")]}
    >>> scenario_fault_problems({"faults": [{"path": "/mojeeb/v1/whatsapp/templates"}]}, known)[0][0]
    ('faults', 0, 'path')
    """
    faults = scenario.get("faults") if isinstance(scenario, Mapping) else None
    found: list[tuple[tuple[str | int, ...], str]] = []
    for i, fault in enumerate(faults if isinstance(faults, list) else []):
        if not isinstance(fault, Mapping) or not isinstance(fault.get("path", "**"), str):
            continue
        path, method = fault.get("path", "**"), fault.get("method")
        whose = _unreached(method.upper() if isinstance(method, str) else None, path, fault.get("provider"), known)
        if whose is not None:
            found.append((("faults", i, "path"), f"no operation of {whose} API matches {path!r}, so the fault "
                          "would never fire; paths are relative to the provider's base URL"))
    return found


def relative_path(path: str, provider: str | None, bases: Mapping[str, tuple[str, ...]]) -> tuple[str, str | None]:
    """A fault path relative to its provider's base URL, and the provider: a path written with the
    mount prefix (``/mojeeb/v1/whatsapp/templates``) is understood, and names its provider.

    >>> bases = {"mojeeb": ("/mojeeb",), "qlara": ("/qlara/api", "/api")}
    >>> relative_path("/mojeeb/v1/x", None, bases), relative_path("/api/v1/**", "qlara", bases)
    (('/v1/x', 'mojeeb'), ('/v1/**', 'qlara'))
    """
    if path.startswith(CONTROL_PREFIX + "/") or path == CONTROL_PREFIX:
        raise ApiError(422, "invalid_field", "Faults apply to provider routes; the control API is never faulted.",
                       field="path")
    for name, prefixes in bases.items():
        # A provider's bare root (Qlara's /api) only counts when the fault names that provider.
        for base in prefixes if name == provider else prefixes[:1]:
            if path != base and not path.startswith(base + "/"):
                continue
            if provider is not None and provider != name:
                raise ApiError(422, "invalid_field", f"'path' {path!r} is under {name}'s base URL, but the fault is "
                               f"for {provider}; paths are relative to the provider's base URL "
                               f"(like /v1/...).", field="path")
            return path[len(base):] or "/", name
    return path, provider


def _unreached(method: str | None, path: str, provider: Any, known: Mapping[str, Iterable[tuple[str, str]]],
               ) -> str | None:
    """Whose API has no operation a fault on ``path`` could hit (``"mojeeb's"``, ``"any provider's"``),
    or None when one has: a provider ``known`` does not list counts as any."""
    names = [provider] if provider in known else list(known)
    if any(reaches_a_route(method, path, known[name]) for name in names):
        return None
    return f"{provider}'s" if provider in known else "any provider's"


def _refuse_unreachable(method: str | None, path: str, provider: str | None,
                        known: Mapping[str, Iterable[tuple[str, str]]]) -> None:
    whose = _unreached(method, path, provider, known)
    if whose is None:
        return
    verb = f"{method} " if method else ""
    raise ApiError(422, "unknown_route", f"No operation of {whose} API matches {verb}{path!r}, so the fault would "
                   "never fire; paths are relative to the provider's base URL (GET /_emulator/openapi/"
                   "{provider}.json lists them).", field="path")


def _whole(body: dict[str, Any], name: str, low: int, high: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ApiError(422, "invalid_field", f"'{name}' must be a whole number {bound}.", field=name)
    return value


def parse_fault(body: Mapping[str, Any], bases: Mapping[str, tuple[str, ...]],
                known: Mapping[str, Iterable[tuple[str, str]]] | None = None) -> dict[str, Any]:
    """Check a fault body field by field; the keyword arguments for ``Faults.add``. ``bases``: see
    ``mounts``; ``known`` (see ``routes``): a path no operation of the provider(s) has is refused,
    since such a fault would never fire.

    >>> parse_fault({"provider": "mojeeb", "status": 503, "every": 2}, {"mojeeb": ("/mojeeb",)})["status"]
    503
    """
    refuse_unknown(body, FAULT_FIELDS, "fault")
    providers = list(bases)
    spec: dict[str, Any] = {}
    provider = body.get("provider")
    if provider is not None and provider not in providers:
        raise ApiError(422, "invalid_provider", f"'provider' must be one of {', '.join(providers)}.", field="provider")
    spec["provider"] = provider
    for name in ("method", "path"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or not value):
            raise ApiError(422, "invalid_field", f"'{name}' must be a non-empty string.", field=name)
    spec["method"] = body["method"].upper() if body.get("method") else None
    path = body.get("path") or "**"
    if not path.startswith(("/", "*")):
        raise ApiError(422, "invalid_field", "'path' is relative to the provider's base URL and starts with '/'.",
                       field="path")
    spec["path"], spec["provider"] = relative_path(path, provider, bases)
    if known is not None:
        _refuse_unreachable(spec["method"], spec["path"], spec["provider"], known)
    try:
        latency = parse_duration(body.get("latency", 0))
    except (TypeError, ValueError) as exc:
        raise ApiError(422, "invalid_duration", str(exc), field="latency") from None
    if not 0 <= latency <= MAX_LATENCY:
        raise ApiError(422, "invalid_duration", f"'latency' must be 0 to {MAX_LATENCY:g} seconds.", field="latency")
    spec["latency"] = latency
    spec["status"] = _whole(body, "status", 400, 599)
    drop = body.get("drop", False)
    if not isinstance(drop, bool):
        raise ApiError(422, "invalid_field", "'drop' must be true or false.", field="drop")
    spec["drop"] = drop
    if spec["status"] is None and not drop and not latency:
        raise ApiError(422, "empty_fault", "A fault needs at least one of 'status', 'drop' or 'latency'.")
    spec["every"] = _whole(body, "every", 1)
    spec["times"] = _whole(body, "times", 1)
    probability = body.get("probability")
    if probability is not None and (
        not isinstance(probability, int | float) or isinstance(probability, bool) or not 0 <= probability <= 1
    ):
        raise ApiError(422, "invalid_field", "'probability' must be a number from 0 to 1.", field="probability")
    spec["probability"] = probability
    return spec
