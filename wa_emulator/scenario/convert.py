"""From schema-valid data to a ``Scenario``: the checks a schema cannot express.

Durations are parsed with core/timefmt, timelines and fixture histories are checked against
the core's transition table (core/status.py), and fixture ids must be unique. Each problem is
a ``ScenarioError`` at the line and column of the value it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from ..core import errors as catalog
from ..core.clock import ClockMode, ClockSpec
from ..core.inbound import InboundError, inbound_content
from ..core.models import PLAIN_DELIVERY, WebhookDirective
from ..core.rules import Step
from ..core.status import Status, check_path
from ..core.templates import Template, TemplateError, template_from_json
from ..core.timefmt import parse_duration, parse_iso
from .errors import ScenarioError, field_name
from .model import (
    Action,
    AgentSpec,
    ContactAction,
    ContactSpec,
    FaultSpec,
    Fixture,
    HistoryEntry,
    InboundAction,
    KeySpec,
    Match,
    Moment,
    OrgSpec,
    Scenario,
    SendAction,
    Timeline,
    UserSpec,
)

Position = tuple[int, int]
Path = tuple[Any, ...]
T = TypeVar("T")


@dataclass(slots=True)
class Marks:
    """Where each key and value of a document starts (1-based line, column), by path."""

    source: str
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def at(self, path: Path) -> Position:
        """The value at ``path``, or its nearest ancestor that has a position."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def key_at(self, path: Path) -> Position:
        return self.keys.get(path) or self.at(path)

    def fail(self, path: Path, message: str) -> NoReturn:
        line, column = self.at(path)
        raise ScenarioError(self.source, line, column, field_name(path), message)


def build(data: dict[str, Any], marks: Marks) -> Scenario:
    """The scenario ``data`` describes (already valid against the schema)."""
    clock, start = _clock(data.get("clock"), marks)
    rules = data.get("rules") or {}
    return Scenario(
        name=data["name"],
        description=data.get("description", ""),
        source=marks.source,
        clock=clock,
        clock_start=start,
        seed=data.get("seed"),
        ttl=_duration(rules["ttl"], ("rules", "ttl"), marks, positive=True) if "ttl" in rules else None,
        orgs=tuple(_orgs(data.get("tenants") or {}, marks)),
        contacts=tuple(_contact(phone, spec, marks) for phone, spec in (data.get("contacts") or {}).items()),
        timelines=_each(data, "timelines", marks, _timeline),
        faults=_each(data, "faults", marks, _fault),
        script=_each(data, "script", marks, _action),
        fixtures=_fixtures(data.get("fixtures") or [], marks),
        raw=data,
    )


def _each(data: dict[str, Any], name: str, marks: Marks, convert: Callable[[Any, Path, Marks], T]) -> tuple[T, ...]:
    return tuple(convert(item, (name, index), marks) for index, item in enumerate(data.get(name) or []))


def _duration(value: Any, path: Path, marks: Marks, *, positive: bool = False) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        marks.fail(path, str(exc))
    if positive and seconds < 0:
        marks.fail(path, f"expected a duration of zero or more, got {value!r}")
    return seconds


def _moment(value: Any, path: Path, marks: Marks) -> Moment:
    if isinstance(value, str) and "T" in value:
        try:
            return Moment(at=parse_iso(value))
        except ValueError:
            marks.fail(path, f"expected an ISO 8601 time such as 2026-04-30T09:18:31Z, got {value!r}")
    return Moment(offset=_duration(value, path, marks))


def _clock(spec: dict[str, Any] | None, marks: Marks) -> tuple[ClockSpec | None, float | None]:
    if not spec:
        return None, None
    start = _moment(spec["start"], ("clock", "start"), marks).at if "start" in spec else None
    mode = spec.get("mode")
    if "factor" in spec and mode != "scaled":
        marks.fail(("clock", "factor"), "a factor only applies to mode: scaled")
    if mode == "scaled" and "factor" not in spec:
        marks.fail(("clock", "mode"), "mode: scaled needs a factor (emulated seconds per real second)")
    if mode is None:
        return None, start
    return ClockSpec(ClockMode(mode), float(spec.get("factor", 1.0))), start


def _templates(specs: list[Any], path: Path, marks: Marks) -> tuple[Template, ...]:
    """The organization's ``templates``: what the schema cannot check (one HEADER, a BUTTONS with buttons…)."""
    found = []
    for index, spec in enumerate(specs):
        try:
            found.append(template_from_json(spec))
        except TemplateError as error:
            marks.fail((*path, index, *_field_path(error.field)), error.message)
    return tuple(found)


def _field_path(dotted: str) -> Path:
    """``components[0].text`` as a path.

    >>> _field_path("components[0].buttons[1].url")
    ('components', 0, 'buttons', 1, 'url')
    """
    parts: list[Any] = []
    for piece in dotted.split("."):
        name, _, rest = piece.partition("[")
        if name:
            parts.append(name)
        parts += [int(i) for i in rest.replace("]", "").split("[") if i.isdigit()]
    return tuple(parts)


def _orgs(tenants: dict[str, list[dict[str, Any]]], marks: Marks) -> list[OrgSpec]:
    found = []
    for provider, orgs in tenants.items():
        for position, org in enumerate(orgs):
            found.append(OrgSpec(
                provider=provider,
                id=org["id"],
                name=org.get("name"),
                slug=org.get("slug"),
                ip_allowlist=tuple(org["ip_allowlist"]) if "ip_allowlist" in org else None,
                settings=dict(org.get("settings") or {}),
                keys=tuple(KeySpec(
                    secret=key["secret"], name=key["name"], scopes=frozenset(key.get("scopes", ["*"])),
                    agents=frozenset(key["agents"]) if "agents" in key else None,
                    revoked=key.get("revoked", False), rate_limit=key.get("rate_limit"),
                ) for key in org.get("keys", [])),
                agents=tuple(AgentSpec(agent["id"], agent.get("name", agent["id"]), tuple(agent["phones"]))
                             for agent in org.get("agents", [])),
                users=tuple(UserSpec(user["email"], user["password"], user.get("name", user["email"]),
                                     frozenset(user.get("scopes", ["*"])), user.get("disabled", False))
                            for user in org.get("users", [])),
                templates=_templates(org.get("templates") or [], ("tenants", provider, position, "templates"), marks),
            ))
    return found


def _contact(phone: str, spec: dict[str, Any], marks: Marks) -> ContactSpec:
    last = spec.get("last_inbound")
    return ContactSpec(
        phone=phone,
        last_inbound=None if last is None else _moment(last, ("contacts", phone, "last_inbound"), marks),
        profile={name: value for name, value in spec.items() if name != "last_inbound"},
    )


def _timeline(spec: dict[str, Any], path: Path, marks: Marks) -> Timeline:
    match = spec["match"]
    to = match.get("to")
    steps = []
    for index, step in enumerate(spec["steps"]):
        where = (*path, "steps", index)
        status = Status(step["status"])
        if "error" in step and status is not Status.FAILED:
            marks.fail((*where, "error"), f"an error code only goes with status: failed (this step is {status.value})")
        hook = step.get("webhook") or {}
        directive = PLAIN_DELIVERY if not hook else WebhookDirective(
            delay=_duration(hook.get("delay", 0), (*where, "webhook", "delay"), marks, positive=True),
            duplicate=hook.get("duplicate", 0),
            drop=hook.get("drop", False),
            duplicate_delays=tuple(
                _duration(value, (*where, "webhook", "duplicate_delays", n), marks, positive=True)
                for n, value in enumerate(hook.get("duplicate_delays", []))),
            fail_attempts=hook.get("fail_attempts", 0),
        )
        if directive.drop and directive.fail_attempts:
            marks.fail((*where, "webhook", "fail_attempts"),
                       "a dropped webhook makes no attempts to fail; give drop or fail_attempts, not both")
        if len(directive.duplicate_delays) > directive.duplicate:
            marks.fail((*where, "webhook", "duplicate_delays"),
                       f"{len(directive.duplicate_delays)} delays for {directive.duplicate} duplicate(s); "
                       "give at most one delay per duplicate")
        error = step.get("error", catalog.GENERIC_FAILURE) if status is Status.FAILED else None
        after = _duration(step["after"], (*where, "after"), marks, positive=True)
        steps.append(Step(after, status, error, directive))
    problem = check_path([step.status for step in steps])
    if problem:
        bad = next(i for i in range(len(steps)) if check_path([s.status for s in steps[: i + 1]]))
        marks.fail((*path, "steps", bad, "status"), f"forbidden transition: {problem}")
    return Timeline(
        Match(
            to=None if to is None else (to,) if isinstance(to, str) else tuple(to),
            provider=match.get("provider"), type=match.get("type"), template=match.get("template"),
            nth=match.get("nth"),
        ),
        tuple(steps),
    )


def _fault(spec: dict[str, Any], path: Path, marks: Marks) -> FaultSpec:
    if not any(name in spec for name in ("latency", "status", "drop")):
        marks.fail(path, "a fault needs at least one of latency, status or drop")
    kwargs: dict[str, Any] = {"id": spec.get("id") or f"scenario-fault-{path[1] + 1}"}
    for name in ("provider", "method", "path", "status", "every", "probability", "times"):
        if name in spec:
            kwargs[name] = spec[name]
    kwargs["drop"] = spec.get("drop", False)
    if "latency" in spec:
        kwargs["latency"] = _duration(spec["latency"], (*path, "latency"), marks, positive=True)
    return FaultSpec(kwargs)


def _action(spec: dict[str, Any], path: Path, marks: Marks) -> Action:
    at = _duration(spec["at"], (*path, "at"), marks, positive=True)
    kinds = [name for name in ("inbound", "contact", "send") if name in spec]
    if len(kinds) != 1:
        marks.fail(path, "expected exactly one action per entry: inbound, contact or send")
    if kinds[0] == "send":
        body = spec["send"]
        line, column = marks.at((*path, "send", "from"))
        return Action(at, SendAction(body["provider"], body["to"], body.get("from"), body.get("template"),
                                     body.get("custom_id"), (marks.source, line, column,
                                                             field_name((*path, "send", "from")))))
    if kinds[0] == "inbound":
        body = spec["inbound"]
        kind = body.get("type", "text")
        fields = {name: value for name, value in body.items() if name not in ("provider", "from", "to", "type")}
        try:
            content = inbound_content(kind, fields)
        except InboundError as exc:
            marks.fail((*path, "inbound", exc.field), str(exc))
        return Action(at, InboundAction(body["provider"], body["from"], body.get("to"), content.get("text", ""),
                                        kind, content))
    body = dict(spec["contact"])
    phone = body.pop("phone")
    return Action(at, ContactAction(phone, body))


def _fixtures(specs: list[dict[str, Any]], marks: Marks) -> tuple[Fixture, ...]:
    seen: dict[str, int] = {}
    found = []
    for index, spec in enumerate(specs):
        path: Path = ("fixtures", index)
        if spec["id"] in seen:
            line = marks.at(("fixtures", seen[spec["id"]], "id"))[0]
            marks.fail((*path, "id"), f"duplicate fixture id {spec['id']!r} (first used on line {line})")
        seen[spec["id"]] = index
        found.append(_fixture(spec, path, marks))
    return tuple(found)


# When a fixture gives no history, it walked the plainest road to its status, a second a step.
_ROADS: dict[Status, tuple[Status, ...]] = {
    Status.SENT: (Status.SENT,),
    Status.RECEIVED: (Status.SENT, Status.RECEIVED),
    Status.DELIVERED: (Status.SENT, Status.DELIVERED),
    Status.READ: (Status.SENT, Status.DELIVERED, Status.READ),
    Status.FAILED: (Status.SENT, Status.FAILED),
    Status.EXPIRED: (Status.SENT, Status.EXPIRED),
}


def _fixture(spec: dict[str, Any], path: Path, marks: Marks) -> Fixture:
    status = Status(spec["status"])
    created = _moment(spec.get("created_at", 0), (*path, "created_at"), marks)
    if "history" in spec:
        history = tuple(
            HistoryEntry(entry["status"], _moment(entry["at"], (*path, "history", i, "at"), marks))
            for i, entry in enumerate(spec["history"])
        )
        problem = check_path([Status(entry.status) for entry in history])
        if problem:
            marks.fail((*path, "history"), f"forbidden transition: {problem}")
        if not history or history[-1].status != status.value:
            marks.fail((*path, "history"), f"the history must end with the fixture's status ({status.value})")
    else:
        history = tuple(
            HistoryEntry(step.value, _after(created, i + 1)) for i, step in enumerate(_ROADS[status])
        )
    if "error" in spec and status is not Status.FAILED:
        marks.fail((*path, "error"), f"an error code only goes with status: failed (this fixture is {status.value})")
    line, column = marks.at(path)
    return Fixture(
        id=spec["id"], provider=spec["provider"], org=spec["org"], agent=spec["agent"], sender=spec["from"],
        to=spec["to"], type=spec.get("type", "template" if "template" in spec else "text"), status=status.value,
        created_at=created, history=history, where=(marks.source, line, column, field_name(path)),
        template=spec.get("template"), content=spec.get("content"),
        error=spec.get("error", catalog.GENERIC_FAILURE) if status is Status.FAILED else None,
        wamid=spec.get("wamid"), conversation_id=spec.get("conversation_id"), custom_id=spec.get("custom_id"),
    )


def _after(moment: Moment, seconds: float) -> Moment:
    if moment.at is not None:
        return Moment(at=moment.at + seconds)
    return Moment(offset=(moment.offset or 0.0) + seconds)
