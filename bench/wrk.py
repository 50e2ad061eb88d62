"""Load generation with wrk (C, multi-threaded: not Python-bound), and parsing its report."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True, slots=True)
class Load:
    """What wrk measured: requests per second, latency percentiles in ms, and failures."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


def generator() -> str:
    """The load generator's name and version, or raise if wrk is missing."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: run `make bench` (it installs Debian's wrk) or apt-get install wrk")
    result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    first = (result.stdout or result.stderr).strip().splitlines()[0]
    return first.split(" [")[0]


def _lua(method: str, headers: dict[str, str], body: str | None) -> str:
    def quote(text: str) -> str:
        return "[==[" + text + "]==]"

    lines = [f"wrk.method = {quote(method)}"]
    # Spaces matter: "[[" would open a Lua long string.
    lines += [f"wrk.headers[ {quote(name)} ] = {quote(value)}" for name, value in headers.items()]
    if body is not None:
        lines.append(f"wrk.body = {quote(body)}")
    return "\n".join(lines) + "\n"


def run(url: str, *, seconds: float, connections: int = 50, threads: int = 1, method: str = "GET",
        headers: dict[str, str] | None = None, body: str | None = None) -> Load:
    """Load ``url`` with ``connections`` keep-alive connections for ``seconds``; 127.0.0.1 only."""
    assert url.startswith("http://127.0.0.1:"), url
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_lua(method, headers or {}, body))
        script.flush()
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
                   "-s", script.name, url]
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr.strip() or result.stdout.strip()}")
    return parse(result.stdout)


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        raise ValueError(f"not a wrk latency: {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse(report: str) -> Load:
    """Read wrk's ``--latency`` report.

    >>> parse(SAMPLE).rps, parse(SAMPLE).p99_ms, parse(SAMPLE).non_2xx
    (5012.3, 21.5, 3)
    """
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", report, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", report, re.M).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", report).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", report)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    return Load(rps, p50, p99, total, int(non_2xx.group(1)) if non_2xx else 0,
                sum(int(n) for n in errors.groups()) if errors else 0)


SAMPLE = """Running 5s test @ http://127.0.0.1:1/x
  1 threads and 50 connections
  Latency Distribution
     50%    9.87ms
     75%   10.01ms
     90%   11.00ms
     99%   21.50ms
  25062 requests in 5.00s, 9.01MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   5012.30
"""
