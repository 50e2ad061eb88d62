"""Start the bench servers as child processes, read their ready line, and always stop them."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

READY_TIMEOUT = 30.0


@contextlib.contextmanager
def launched(kind: str, loop: str, *extra: str) -> Iterator[dict[str, Any]]:
    """Run ``python -m bench.server KIND``; yield its ready line as a dict; stop it on exit."""
    process = subprocess.Popen([sys.executable, "-m", "bench.server", kind, "--loop", loop, *extra],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = _readline(process, READY_TIMEOUT)
        yield json.loads(line)
    finally:
        stop(process)


def _readline(process: subprocess.Popen[str], timeout: float) -> str:
    import selectors

    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise TimeoutError(f"{process.args} printed nothing in {timeout:g}s")
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"{process.args} exited with {process.wait()}")
    return line


def stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, then SIGKILL after 10 s: a bench never leaves a server behind."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
