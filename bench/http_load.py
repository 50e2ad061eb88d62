"""Status lookups and sends under wrk: the emulator against a bare aiohttp ceiling."""

from __future__ import annotations

import json
import tempfile

from . import wrk
from .processes import launched
from .table import Row

CONNECTIONS = 50


def measure(loop: str, seconds: float) -> list[Row]:
    """Per provider: status lookups and sends, throughput and p50/p99, emulator vs ceiling."""
    rows: list[Row] = []
    with launched("emulator", loop) as emulator, tempfile.NamedTemporaryFile("w", suffix=".json") as bodies:
        json.dump(emulator["providers"], bodies)
        bodies.flush()
        with launched("ceiling", loop, "--bodies", bodies.name) as ceiling:
            for name, entry in emulator["providers"].items():
                for label, method, path, body in (
                    ("status", "GET", entry["status_path"], None),
                    ("send", "POST", entry["send_path"], entry["send_request"]),
                ):
                    headers = dict(entry["auth"])
                    if body is not None:
                        headers["Content-Type"] = "application/json"
                    ours = _load(emulator["port"], path, method, headers, body, seconds)
                    ceiling_load = _load(ceiling["port"], path, method, headers, body, seconds)
                    rows += _rows(loop, f"{name} {label}", ours, ceiling_load)
    return rows


def _load(port: int, path: str, method: str, headers: dict[str, str], body: str | None, seconds: float) -> wrk.Load:
    load = wrk.run(f"http://127.0.0.1:{port}{path}", seconds=seconds, connections=CONNECTIONS, method=method,
                   headers=headers, body=body)
    if load.non_2xx or load.socket_errors:
        raise RuntimeError(f"{method} {path}: {load.non_2xx} non-2xx answers, {load.socket_errors} socket errors")
    return load


def _rows(loop: str, what: str, ours: wrk.Load, ceiling: wrk.Load) -> list[Row]:
    return [
        Row(loop, f"{what} throughput", "req/s", ours.rps, ceiling.rps, "ceiling", ">= 0.8x",
            lambda r: r.ratio >= 0.8),
        Row(loop, f"{what} p50", "ms", ours.p50_ms, ceiling.p50_ms, "ceiling", "-", lambda r: True),
        Row(loop, f"{what} p99", "ms", ours.p99_ms, ceiling.p99_ms, "ceiling", "<= 2x", lambda r: r.ratio <= 2.0),
    ]
