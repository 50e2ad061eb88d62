"""Run ``wa-emulator serve`` as a child process on 127.0.0.1 and talk to it with the standard library."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    err: str = field(default="")

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             timeout: float = 10) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 60) -> int:
        """Send ``sig`` and wait (generously) for the exit; the stderr text lands in ``err``."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        _, self.err = self.process.communicate(timeout=timeout)
        return self.process.returncode


@contextmanager
def serving(*flags: str, preexec: Callable[[], None] | None = None,
            base: Sequence[str] = ("--port", "0", "--clock", "manual")) -> Iterator[Served]:
    """``serve`` with ``flags``; killed at the end if a test did not stop it."""
    process = subprocess.Popen([sys.executable, "-m", "wa_emulator", "serve", *base, *flags],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"listening on https?://127\.0\.0\.1:(\d+)", first)
        assert found, first + (process.stderr.read() if process.stderr else "")
        served = Served(process, int(found.group(1)))
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)
