"""``/_emulator/scenario``: which scenario is in force, and loading another on a running server.

``POST`` takes ``{"name": "happy-path"}`` (bundled), ``{"path": "mine.yaml"}`` (a file in a
directory the server was started with, ``--scenario-dir``; nothing else on the machine is read),
or the scenario itself as YAML or JSON. A bad scenario is refused with 422 and the same
file:line:column message the CLI prints; the scenario in force stays.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from ..providers import keyformats
from ..scenario import Scenario, ScenarioError, current, install, load_bundled, load_from, load_text
from ..scenario.errors import field_name
from ..web import keys
from ..web.http import ApiError, json_response, read_body, refuse_unencodable
from .faults import routes, scenario_fault_problems


def scenario_view(scenario: Scenario | None) -> dict[str, Any]:
    if scenario is None:
        return {"name": None, "description": None, "source": None}
    return {"name": scenario.name, "description": scenario.description, "source": scenario.source,
            "scenario": scenario.raw}


async def get_scenario(request: web.Request) -> web.Response:
    """The scenario in force (``name`` is null when none was installed)."""
    return json_response(scenario_view(current(request.app[keys.world])))


async def load_another(request: web.Request) -> web.Response:
    """Install another scenario: the world resets and the new one applies from the start."""
    world = request.app[keys.world]
    text = await _body_text(request)
    try:
        scenario = _parse(text, request.app[keys.settings].scenario_dirs)
        _refuse_dead_settings(scenario, request.app[keys.providers])
        await world.clock.settle()
        install(world, scenario)
    except ScenarioError as exc:
        raise ApiError(422, "invalid_scenario", str(exc), **{k: v for k, v in exc.to_json().items()
                                                               if k in ("file", "line", "column", "field")}) from None
    return json_response(scenario_view(scenario), status=201)


def _refuse_dead_settings(scenario: Scenario, providers: Sequence[Any]) -> None:
    # Accepted, they would do nothing: a key its provider refuses on every call (every request 401s),
    # a fault on a path no operation has (it never fires).
    problems = [*keyformats.tenant_key_problems(scenario.raw),
                *scenario_fault_problems(scenario.raw, routes(providers))]
    for path, problem in problems:
        raise ScenarioError(scenario.source or "<request body>", None, None, field_name(path), problem)


def _parse(text: str, directories: Sequence[Path]) -> Scenario:
    if not text.strip():
        raise ScenarioError("<request body>", None, None, "(body)",
                            'expected {"name": …}, {"path": …} or a scenario in YAML or JSON')
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply: YAML will say which
        body = None
    if body is not None:
        refuse_unencodable(body)
    if isinstance(body, dict) and len(body) == 1:
        if isinstance(body.get("name"), str):
            return load_bundled(body["name"])
        if isinstance(body.get("path"), str):
            return load_from(body["path"], directories)
    scenario = load_text(text, "<request body>")
    refuse_unencodable(scenario.raw)  # a YAML "\ud800" escape decodes to a lone surrogate too
    return scenario


async def _body_text(request: web.Request) -> str:
    # Read as UTF-8 whatever charset the Content-Type claims: YAML and JSON are UTF-8, and a
    # made-up charset or undecodable bytes are the client's mistake, not a 500.
    try:
        return (await read_body(request)).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_body", "The scenario must be UTF-8 text (YAML or JSON).") from None
