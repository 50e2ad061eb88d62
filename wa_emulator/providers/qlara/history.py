"""The message history, paged and filtered by date, and its asynchronous export.

``GET /partner-gateway/v1/messages/history`` (https://agiletelecom.com/documentation/qlara/it/api/get-history):
``channel`` required (one channel a request); ``from`` and ``to`` required ISO-8601 date-times with an offset,
inclusive (``from`` after ``to`` is an empty list, not an error); optional ``status``; ``page`` 0-based and
``limit`` (default 20); the answer is a JSON array of status objects, empty when nothing matches.
``POST /partner-gateway/v1/messages/history/export`` (https://agiletelecom.com/documentation/qlara/it/api/export-history):
``startDateTime`` and ``endDateTime`` required, optional ``sender`` or ``recipient``; 202 at once, the job runs
in the background and ``GET /partner-gateway/v1/exports`` tells whether it is still running or done.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from ...core.models import OUTBOUND, Message
from ...core.timefmt import iso_ms
from ...core.world import StateKey, World
from ...web import keys
from ...web.http import json_response, read_json_object
from .auth import CALLER
from .parse import CORE_CHANNEL, bad_request, optional_string, parse_channel, query_whole
from .render import STATUS_WORDS, status_body
from .sandbox import NAME

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000  # designed
MAX_PAGE = 1_000_000
MAX_FILTER = 64  # designed: an export's sender or recipient
EXPORT_SECONDS = 5.0  # designed: how long an export job runs, on the emulated clock
_OFFSET_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})", re.ASCII)
LATEST = 253402300799.0  # 9999-12-31T23:59:59Z
WORDS = tuple(dict.fromkeys(STATUS_WORDS.values()))


def parse_instant(value: object, field: str, *, query: bool = True) -> float:
    """An ISO-8601 date-time with its offset (``2025-01-01T00:00:00+01:00``, ``…Z``) as epoch seconds.

    >>> parse_instant("2025-01-01T00:00:00Z", "from")
    1735689600.0
    """
    what = "Query parameter" if query else "Field"
    problem = bad_request(f"{what} '{field}' must be an ISO-8601 date-time with its offset, e.g. "
                          "2025-01-01T00:00:00+01:00 or 2025-06-15T23:59:59Z.", field)
    if not isinstance(value, str) or not _OFFSET_DATE_TIME.fullmatch(value):
        raise problem
    try:
        instant = datetime.fromisoformat(value).timestamp()
    except ValueError:  # a 13th month, a 25th hour
        raise problem from None
    if not 0 <= instant <= LATEST:  # designed: from 1970 to the end of 9999 in UTC, which the answers can write
        raise bad_request(f"{what} '{field}' must be a date-time from 1970-01-01T00:00:00Z to "
                          "9999-12-31T23:59:59Z.", field)
    return instant


def _required(query: Mapping[str, str], name: str) -> float:
    if name not in query:
        raise bad_request(f"Query parameter '{name}' is required: an ISO-8601 date-time with its offset.", name)
    return parse_instant(query[name], name)


def sent_by(world: World, org_id: str) -> list[Message]:
    """The account's outbound Qlara messages, oldest first (so a page stays put while new ones arrive)."""
    return sorted((m for m in world.store.of_org(org_id) if m.provider == NAME and m.direction == OUTBOUND),
                  key=lambda m: (m.created_at, m.id))


async def get_history(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/messages/history?channel=SMS&from=…&to=…&status=…&page=0&limit=20``."""
    query = request.query
    channel = parse_channel(query)
    start, end = _required(query, "from"), _required(query, "to")
    status = query.get("status")
    if status is not None and status not in WORDS:
        raise bad_request(f"Query parameter 'status' must be one of {', '.join(WORDS)}.", "status")
    page = query_whole(query, "page", 0, MAX_PAGE, default=0)
    limit = query_whole(query, "limit", 1, MAX_LIMIT, default=DEFAULT_LIMIT)
    core_channel = CORE_CHANNEL[channel]
    found = [m for m in sent_by(request.app[keys.world], request[CALLER].org.id)
             if m.channel == core_channel and start <= m.created_at <= end
             and (status is None or STATUS_WORDS[m.status] == status)]
    return json_response([status_body(m) for m in found[page * limit:(page + 1) * limit]])


@dataclass(frozen=True, slots=True)
class ExportJob:
    """One history export: what it covers, how many messages, and when it was asked for."""

    id: str
    start: float
    end: float
    sender: str | None
    recipient: str | None
    rows: int
    created_at: float


class Exports:
    """Each account's export jobs, oldest first."""

    def __init__(self) -> None:
        self.by_org: dict[str, list[ExportJob]] = {}


EXPORTS = StateKey("qlara.exports", Exports)


def job_body(job: ExportJob, now: float) -> dict[str, Any]:
    """An export job as the export and the exports list answer it (designed: the fields are not published)."""
    done = now >= job.created_at + EXPORT_SECONDS
    return {"exportId": job.id, "status": "COMPLETED" if done else "IN_PROGRESS",
            "startDateTime": iso_ms(job.start), "endDateTime": iso_ms(job.end), "sender": job.sender,
            "recipient": job.recipient, "rowCount": job.rows if done else None, "createdAt": iso_ms(job.created_at),
            "completedAt": iso_ms(job.created_at + EXPORT_SECONDS) if done else None}


async def export_history(request: web.Request) -> web.Response:
    """``POST /partner-gateway/v1/messages/history/export``: 202 with the queued job, every channel in one file."""
    body = await read_json_object(request)
    for field in ("startDateTime", "endDateTime"):
        if field not in body:
            raise bad_request(f"'{field}' is required: an ISO-8601 date-time with its offset.", field)
    start = parse_instant(body["startDateTime"], "startDateTime", query=False)
    end = parse_instant(body["endDateTime"], "endDateTime", query=False)
    sender, recipient = optional_string(body, "sender", MAX_FILTER), optional_string(body, "recipient", MAX_FILTER)
    world, org_id = request.app[keys.world], request[CALLER].org.id
    rows = sum(1 for m in sent_by(world, org_id) if start <= m.created_at <= end
               and (sender is None or m.sender == sender) and (recipient is None or m.to == recipient))
    job = ExportJob("exp-" + world.ids.hex(8), start, end, sender, recipient, rows, world.clock.now())
    world.state(EXPORTS).by_org.setdefault(org_id, []).append(job)
    return json_response(job_body(job, world.clock.now()), status=202)


async def list_exports(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/exports``: the account's export jobs, running or done."""
    world = request.app[keys.world]
    jobs = world.state(EXPORTS).by_org.get(request[CALLER].org.id, [])
    return json_response([job_body(job, world.clock.now()) for job in jobs])
