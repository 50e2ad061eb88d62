"""What did the suite exercise? Per provider: the statuses, error codes, world rules, webhook orderings
and HTTP error statuses the suite's clients actually met, and those they never met.

The pytest plugin turns this on with ``--wa-coverage`` (``--wa-coverage-min=PCT``, ``--wa-coverage-json
PATH``, ``--wa-coverage-url URL``). It reads what happened from each emulator's own records at
teardown (in-process fixtures) or from a server's control API (one started with ``wa-emulator serve``):
the request journal, the webhook delivery log, the messages with their histories and the contacts.

What counts as *met*, per provider:

- a **status** (the provider's own word) when the client read a message while it was in it (a ``GET``
  naming the message, answered 2xx) or the client's receiver was sent its webhook;
- an **error code** (Meta's, from the core catalog) when the client met a failed message carrying it;
- a **world rule** when the client met the status the rule ended a message in;
- a **webhook ordering** (pushing providers only) when some message's webhooks reached the receiver
  in order, reordered, with a duplicate copy, with one dropped, or after a retry;
- an **HTTP error status** when the provider answered the client with it (all 5xx count as one).

What is *possible* comes from the provider modules: each one's status words (``render.STATUS_WORDS``),
the error statuses its operations table declares, whether it declares webhooks, and the core's error
catalog, so a new status word or error status shows up here without touching this file.

>>> report = Coverage().report()
>>> sorted(report["providers"]["mojeeb"]["possible"])
['error_codes', 'http_errors', 'statuses', 'webhook_orderings', 'world_rules']
>>> report["providers"]["mojeeb"]["possible"]["webhook_orderings"], report["providers"]["mojeeb"]["used"]
([], False)
"""

from __future__ import annotations

import importlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..control.views import contact_view, message_view
from ..core import errors
from ..core.models import INBOUND
from ..core.status import Status
from ..core.timefmt import parse_iso
from ..core.webhooks import DROPPED
from ..core.world import World
from ..providers import all_providers
from ..providers.base import Provider

CATEGORIES = ("statuses", "error_codes", "world_rules", "webhook_orderings", "http_errors")
TITLES = {
    "statuses": "statuses",
    "error_codes": "error codes",
    "world_rules": "world rules",
    "webhook_orderings": "webhook orderings",
    "http_errors": "HTTP errors",
}

# The ways a message's webhooks can reach a receiver; what the dispatcher's delivery log can show.
IN_ORDER, REORDERED, DUPLICATED, ORDERING_DROPPED, RETRIED = "in order", "reordered", "duplicated", "dropped", "retried"
ORDERINGS = (IN_ORDER, REORDERED, DUPLICATED, ORDERING_DROPPED, RETRIED)

_TIME_SLACK = 0.001  # histories are shown to the millisecond (floored); journal times are exact


@dataclass(frozen=True, slots=True)
class WorldRule:
    """One of ``core/rules.py``'s rules, told by how it ends a message and by what makes it apply (so a
    scenario that fails a template with 131047 is not taken for the 24-hour window)."""

    name: str
    status: Status
    error: int | None = None
    contact_flag: str | None = None  # the contact profile field that is False when the rule applies
    free_form_only: bool = False  # templates are exempt

    def applies(self, message: Mapping[str, Any], contact: Mapping[str, Any] | None) -> bool:
        if message["status"] != self.status.value:
            return False
        if self.error is not None and (message.get("error") or {}).get("code") != self.error:
            return False
        if self.free_form_only and message.get("type") == "template":
            return False
        return self.contact_flag is None or (contact is not None and contact.get(self.contact_flag) is False)


# The outcomes of core/rules.py's apply_world_rules, one per rule it applies.
WORLD_RULES = (
    WorldRule("24-hour window closed", Status.FAILED, errors.WINDOW_CLOSED, free_form_only=True),
    WorldRule("not on WhatsApp", Status.FAILED, errors.UNDELIVERABLE, contact_flag="on_whatsapp"),
    WorldRule("offline until the TTL", Status.EXPIRED, contact_flag="online"),
    WorldRule("read receipts off", Status.DELIVERED, contact_flag="read_receipts"),
)


def status_words(provider: Provider) -> dict[Status, str]:
    """The provider's word for each core status, from its own ``render`` module.

    >>> from wa_emulator.providers.qlara import QlaraProvider
    >>> status_words(QlaraProvider())[Status.FAILED]
    'ERROR'
    """
    render = importlib.import_module(f"{type(provider).__module__}.render")
    return dict(render.STATUS_WORDS)


@cache
def status_words_of(name: str) -> dict[Status, str]:
    """``status_words`` of the provider called ``name`` (empty for a name no provider has); built once,
    so do not change the dict.

    >>> status_words_of("qlara")[Status.FAILED], status_words_of("nobody")
    ('ERROR', {})
    """
    found = next((provider for provider in all_providers() if provider.name == name), None)
    return {} if found is None else status_words(found)


def http_bucket(status: int) -> str:
    """How an HTTP error status is counted: itself below 500, ``5xx`` from 500.

    >>> http_bucket(429), http_bucket(503)
    ('429', '5xx')
    """
    return "5xx" if status >= 500 else str(status)


def possible(provider: Provider) -> dict[str, list[str]]:
    """Everything a client of ``provider`` could meet, by category, in a stable order."""
    api = provider.api
    declared = sorted({s for op in api.operations for s in api.error_statuses(op)})
    return {
        "statuses": list(dict.fromkeys(status_words(provider).values())),
        "error_codes": [str(code) for code in errors.CATALOG],
        "world_rules": [rule.name for rule in WORLD_RULES],
        "webhook_orderings": list(ORDERINGS) if api.webhooks else [],
        "http_errors": list(dict.fromkeys(http_bucket(s) for s in declared)),
    }


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one emulator recorded, in the control API's JSON shapes (so a remote server reads the same)."""

    messages: list[dict[str, Any]]
    journal: list[dict[str, Any]]
    deliveries: list[dict[str, Any]]
    contacts: list[dict[str, Any]]


def world_snapshot(world: World) -> Snapshot:
    """Read a world's records (run it on the world's own loop thread)."""
    return Snapshot(
        messages=[message_view(m) for m in world.store],
        journal=[entry.to_json() for entry in world.journal.query()],
        deliveries=[d.to_json(with_body=False) for d in world.dispatcher.deliveries()],
        contacts=[contact_view(c) for c in world.contacts.all()],
    )


def snapshot_of(emulator: Any) -> Snapshot:
    """A snapshot of an ``Emulator`` or a ``ThreadedEmulator`` (read on its loop thread)."""
    call: Callable[..., Any] | None = getattr(type(emulator), "call", None)
    if call is not None:  # a ThreadedEmulator: touch its world only from its own thread
        return emulator.call(world_snapshot, emulator.emulator.world)
    return world_snapshot(emulator.world)


class RemoteError(Exception):
    """The control API of a server could not be read."""


def fetch_snapshot(base_url: str, token: str | None = None, timeout: float = 30.0) -> Snapshot:
    """Read a running server's records through its control API, e.g. ``fetch_snapshot("http://127.0.0.1:8080")``."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(path: str) -> list[dict[str, Any]]:
        url = base_url.rstrip("/") + "/_emulator" + path
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as answer:
                return json.loads(answer.read())["data"]
        except urllib.error.HTTPError as exc:
            raise RemoteError(f"GET {url} answered {exc.code}") from None
        except (OSError, ValueError, KeyError) as exc:
            raise RemoteError(f"GET {url} failed: {exc}") from None

    return Snapshot(messages=get("/messages"), journal=get("/journal"), deliveries=get("/webhooks/deliveries"),
                    contacts=get("/contacts"))


def _tokens(path: str, query: str) -> set[str]:
    """The pieces of a request path and query string that could name a message."""
    text = urllib.parse.unquote(f"{path}?{query}")
    for separator in "?&=,;":
        text = text.replace(separator, "/")
    return {piece for piece in text.split("/") if piece}


@dataclass
class _Met:
    by_category: dict[str, set[str]] = field(default_factory=lambda: {c: set() for c in CATEGORIES})
    calls: int = 0


class Coverage:
    """Accumulates what clients met across many snapshots; ``report()`` says what was and was not."""

    def __init__(self, providers: Iterable[Provider] | None = None) -> None:
        self.providers = tuple(providers) if providers is not None else all_providers()
        self._words = {p.name: status_words(p) for p in self.providers}
        self._met = {p.name: _Met() for p in self.providers}
        self.snapshots = 0

    def add(self, snapshot: Snapshot) -> None:
        """Count what the clients of one emulator met."""
        self.snapshots += 1
        polls: dict[str, list[float]] = {}  # a name a client used for a message -> when it read it
        for entry in snapshot.journal:
            met = self._met.get(entry.get("provider") or "")
            if met is None:
                continue
            met.calls += 1
            status = entry["status"]
            if status >= 400:
                met.by_category["http_errors"].add(http_bucket(status))
            elif entry["method"] == "GET" and 200 <= status < 300:
                for token in _tokens(entry["path"], entry.get("query") or ""):
                    polls.setdefault(token, []).append(entry["at"])
        contacts = {c["phone"]: c for c in snapshot.contacts}
        deliveries: dict[str, list[dict[str, Any]]] = {}
        for delivery in snapshot.deliveries:
            if delivery.get("message_id"):
                deliveries.setdefault(delivery["message_id"], []).append(delivery)
        for message in snapshot.messages:
            met = self._met.get(message["provider"])
            if met is None or message["direction"] == INBOUND:
                continue
            own = deliveries.get(message["id"], [])
            seen = self._seen(message, polls, own)
            words = self._words[message["provider"]]
            met.by_category["statuses"].update(seen)
            if words[Status(message["status"])] not in seen:
                continue  # the client never met how the message ended: not its error, nor the rule behind it
            if message.get("error") and words[Status.FAILED] in seen:
                met.by_category["error_codes"].add(str(message["error"]["code"]))
            contact = contacts.get(message["to"])
            met.by_category["world_rules"].update(rule.name for rule in WORLD_RULES if rule.applies(message, contact))
            met.by_category["webhook_orderings"].update(orderings(own))

    def _seen(self, message: dict[str, Any], polls: dict[str, list[float]], own: list[dict[str, Any]]) -> set[str]:
        """The status words the client met for one message: by reading it, or by its receiver being sent them."""
        words = self._words[message["provider"]]
        history = [(parse_iso(change["at"]), Status(change["status"])) for change in message["history"]]
        seen = {d["status"] for d in own if d.get("status") and reached(d)}
        names = {message["id"], message.get("custom_id"), message.get("wamid")} - {None}
        for name in names:
            for at in polls.get(name, ()):
                current = [status for when, status in history if when <= at + _TIME_SLACK]
                if current:
                    seen.add(words[current[-1]])
        return seen

    def report(self) -> dict[str, Any]:
        """Per provider: ``used``, ``possible``/``met``/``never`` by category, ``percent``; and the overall figure.

        ``percent`` counts items (a status word, an error code, …) met out of those possible, over the
        providers the suite called at least once.
        """
        providers: dict[str, Any] = {}
        met_total = possible_total = 0
        for provider in self.providers:
            universe = possible(provider)
            got = self._met[provider.name]
            met = {c: [item for item in universe[c] if item in got.by_category[c]] for c in CATEGORIES}
            never = {c: [item for item in universe[c] if item not in got.by_category[c]] for c in CATEGORIES}
            count, total = sum(map(len, met.values())), sum(map(len, universe.values()))
            used = got.calls > 0
            if used:
                met_total, possible_total = met_total + count, possible_total + total
            providers[provider.name] = {
                "used": used, "calls": got.calls, "possible": universe, "met": met, "never": never,
                "met_count": count, "possible_count": total, "percent": _percent(count, total),
            }
        return {"percent": _percent(met_total, possible_total), "met_count": met_total,
                "possible_count": possible_total, "emulators": self.snapshots, "providers": providers}


def reached(delivery: Mapping[str, Any]) -> bool:
    """Whether a delivery got to the receiver at least once (an answer of any status)."""
    return any(attempt.get("status_code") is not None for attempt in delivery.get("attempts", ()))


def _arrival(delivery: Mapping[str, Any]) -> tuple[float, float]:
    first = next(a for a in delivery["attempts"] if a.get("status_code") is not None)
    return first["at"], first["wall_at"]


def orderings(deliveries: list[dict[str, Any]]) -> set[str]:
    """How one message's webhooks (oldest first) reached the receiver.

    >>> attempt = lambda at: {"status_code": 200, "at": at, "wall_at": at}
    >>> sorted(orderings([{"event_id": "e1", "copy": 0, "state": "delivered", "attempts": [attempt(2)]},
    ...                   {"event_id": "e2", "copy": 0, "state": "delivered", "attempts": [attempt(1)]}]))
    ['reordered']
    """
    found: set[str] = set()
    if any(d["state"] == DROPPED for d in deliveries):
        found.add(ORDERING_DROPPED)
    arrived = [d for d in deliveries if reached(d)]
    if any(sum(1 for a in d["attempts"] if a.get("status_code") is not None) > 1 for d in arrived):
        found.add(RETRIED)
    if any(d["copy"] > 0 for d in arrived):
        found.add(DUPLICATED)
    originals = [d for d in arrived if d["copy"] == 0]
    if len(originals) > 1:
        by_arrival = sorted(range(len(originals)), key=lambda index: (*_arrival(originals[index]), index))
        found.add(IN_ORDER if by_arrival == sorted(by_arrival) else REORDERED)
    return found


def _percent(count: int, total: int) -> float:
    return round(100.0 * count / total, 1) if total else 100.0


def render_text(report: Mapping[str, Any]) -> list[str]:
    """The report as the lines the terminal summary prints."""
    lines = [f"{report['met_count']} of {report['possible_count']} items met ({report['percent']:g}%) "
             f"across {report['emulators']} emulator(s)"]
    width = max(len(title) for title in TITLES.values())
    for name, provider in report["providers"].items():
        if not provider["used"]:
            lines.append(f"{name}: not called by the suite")
            continue
        lines.append(f"{name}: {provider['met_count']} of {provider['possible_count']} ({provider['percent']:g}%)")
        for category in CATEGORIES:
            if not provider["possible"][category]:
                continue
            met = ", ".join(provider["met"][category]) or "-"
            never = ", ".join(provider["never"][category]) or "-"
            lines.append(f"  {TITLES[category]:<{width}}  met: {met}")
            lines.append(f"  {'':<{width}}  never met: {never}")
    return lines


# -- the pytest side -------------------------------------------------------------------------------

URL_VARIABLE = "WA_EMULATOR_COVERAGE_URL"
TOKEN_VARIABLE = "WA_EMULATOR_CONTROL_TOKEN"  # the same variable `wa-emulator serve` reads its token from
FIXTURES = ("wa_emulator", "wa_emulator_sync")


def add_options(parser: Any) -> None:
    """The ``--wa-coverage*`` options (called from the plugin's ``pytest_addoption``)."""
    group = parser.getgroup("wa-emulator", "wa-emulator")
    group.addoption("--wa-coverage", action="store_true", default=False,
                    help="print, per provider, the statuses, error codes, world rules, webhook orderings and "
                         "HTTP errors the suite's clients met and never met")
    group.addoption("--wa-coverage-min", metavar="PCT", type=float, default=None,
                    help="fail the run when under PCT percent of those items were met")
    group.addoption("--wa-coverage-json", metavar="PATH", default=None, help="write the coverage report as JSON")
    group.addoption("--wa-coverage-url", metavar="URL", default=None,
                    help=f"also read a running server's records (wa-emulator serve) at the end; or set {URL_VARIABLE}")


_active: list[CoveragePlugin] = []  # the session's collector while --wa-coverage is on (a stack: pytester nests)


def collect_active(emulator: Any) -> None:
    """Count an emulator's records if ``--wa-coverage`` is on, e.g. before a helper resets or stops an
    emulator that no ``wa_emulator*`` fixture owns (each run of an ordering exploration)."""
    if _active:
        _active[-1].collect(emulator)


class CoveragePlugin:
    """Collects each fixture's emulator at teardown (and a remote server at the end), then reports."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.coverage = Coverage()
        self.show = bool(config.getoption("wa_coverage"))
        self.minimum: float | None = config.getoption("wa_coverage_min")
        if self.minimum is not None and not 0 <= self.minimum <= 100:
            import pytest  # only here: the rest of this module works without pytest

            raise pytest.UsageError(f"--wa-coverage-min must be a percentage from 0 to 100, got {self.minimum:g}")
        self.json_path: str | None = config.getoption("wa_coverage_json")
        self.url: str | None = config.getoption("wa_coverage_url") or os.environ.get(URL_VARIABLE) or None
        self.token = os.environ.get(TOKEN_VARIABLE) or None
        self.report: dict[str, Any] | None = None
        self.problems: list[str] = []
        _active.append(self)

    def pytest_unconfigure(self) -> None:
        if self in _active:
            _active.remove(self)

    @staticmethod
    def wanted(config: Any) -> bool:
        return bool(config.getoption("wa_coverage") or config.getoption("wa_coverage_min") is not None
                    or config.getoption("wa_coverage_json"))

    def pytest_fixture_post_finalizer(self, fixturedef: Any, request: Any) -> None:
        # Runs after the fixture's own teardown but before its value is forgotten; the session's threaded
        # emulator is reset only before the next test, so each test's records are still there.
        if fixturedef.argname not in FIXTURES or not fixturedef.cached_result:
            return
        value = fixturedef.cached_result[0]
        if value is not None:
            self.collect(value)

    def collect(self, emulator: Any) -> None:
        """Count one emulator's records (an ``Emulator`` or ``ThreadedEmulator``); other fixtures may call it."""
        self.coverage.add(snapshot_of(emulator))

    def pytest_sessionfinish(self, session: Any) -> None:
        if self.url:
            try:
                self.coverage.add(fetch_snapshot(self.url, self.token))
            except RemoteError as exc:
                self.problems.append(f"wa-emulator coverage: could not read {self.url}: {exc}")
        self.report = report = self.coverage.report()
        if self.json_path:
            try:
                with open(self.json_path, "w", encoding="utf-8") as out:
                    json.dump(report, out, indent=2)
            except OSError as exc:
                self.problems.append(f"wa-emulator coverage: cannot write --wa-coverage-json {self.json_path}: "
                                     f"{exc.strerror or exc}")
        if self.minimum is not None and report["percent"] < self.minimum:
            self.problems.append(f"wa-emulator coverage: {report['percent']:g}% of items met, under the required "
                                 f"{self.minimum:g}% (--wa-coverage-min)")
        if self.problems and session.exitstatus == 0:
            session.exitstatus = 1  # pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is not None and self.show:
            terminalreporter.write_sep("=", "wa-emulator coverage")
            for line in render_text(self.report):
                terminalreporter.write_line(line)
        for problem in self.problems:
            terminalreporter.write_line(problem, red=True, bold=True)
