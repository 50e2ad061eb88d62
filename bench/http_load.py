"""Status lookups and sends under wrk: the emulator against a bare aiohttp ceiling."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from . import wrk
from .processes import launched
from .table import Row

CONNECTIONS = 50


def measure(loop: str, seconds: float) -> list[Row]:
    """Per provider: status lookups and sends, throughput and p50/p99, emulator vs ceiling.

    Each route is loaded on a fresh emulator process: a send run leaves thousands of messages whose
    later steps (delivered at 3 s, read at 10 s) would otherwise fire during the next run and be
    counted against it.
    """
    rows: list[Row] = []
    with launched("emulator", loop) as recorder:
        recorded = recorder["providers"]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as bodies:
        json.dump(recorded, bodies)
        bodies.flush()
        with launched("ceiling", loop, "--bodies", bodies.name) as ceiling:
            for name in recorded:
                for label in ("status", "send"):
                    with launched("emulator", loop) as emulator:
                        entry = emulator["providers"][name]
                        # The emulator is seeded, so every fresh one mints the ids the ceiling recorded.
                        assert entry["status_path"] == recorded[name]["status_path"], "bench emulator is not seeded"
                        method, path, body = (("GET", entry["status_path"], None) if label == "status"
                                              else ("POST", entry["send_path"], entry["send_request"]))
                        headers = dict(entry["auth"])
                        if body is not None:
                            headers["Content-Type"] = "application/json"
                        ours, our_cpu = _load(emulator, path, method, headers, body, seconds)
                    ceiling_load, ceiling_cpu = _load(ceiling, path, method, headers, body, seconds)
                    rows += _rows(loop, f"{name} {label}", ours, ceiling_load)
                    # CPU time per request barely moves when other work shares the machine.
                    rows.append(Row(loop, f"{name} {label} server CPU per request", "us", our_cpu, ceiling_cpu,
                                    "ceiling", "-", lambda r: True))
    return rows


def _load(server: dict[str, Any], path: str, method: str, headers: dict[str, str], body: str | None,
          seconds: float) -> tuple[wrk.Load, float]:
    """wrk's figures, and the server process's CPU microseconds per request served."""
    cpu_before = cpu_seconds(server["pid"])
    load = wrk.run(f"http://127.0.0.1:{server['port']}{path}", seconds=seconds, connections=CONNECTIONS,
                   method=method, headers=headers, body=body)
    cpu = cpu_seconds(server["pid"]) - cpu_before
    if load.non_2xx or load.socket_errors:
        raise RuntimeError(f"{method} {path}: {load.non_2xx} non-2xx answers, {load.socket_errors} socket errors")
    return load, cpu / max(load.requests, 1) * 1e6


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rows(loop: str, what: str, ours: wrk.Load, ceiling: wrk.Load) -> list[Row]:
    return [
        Row(loop, f"{what} throughput", "req/s", ours.rps, ceiling.rps, "ceiling", ">= 0.8x",
            lambda r: r.ratio >= 0.8),
        Row(loop, f"{what} p50", "ms", ours.p50_ms, ceiling.p50_ms, "ceiling", "-", lambda r: True),
        Row(loop, f"{what} p99", "ms", ours.p99_ms, ceiling.p99_ms, "ceiling", "<= 2x", lambda r: r.ratio <= 2.0),
    ]
