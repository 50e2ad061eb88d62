"""``serve``'s log stays readable: a client's malformed HTTP costs one line, never a traceback."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys

MALFORMED = [
    b"GET /mojeeb/" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # URL longer than aiohttp reads
    b"GET /wazapin/v1/health HTTP/1.1\r\nHost: x\r\nX-Bad: \x00\x01\r\n\r\n",  # control characters in a header
    b"POST /wazapin/v1/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
]


def _status_line(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(request)
        return conn.recv(64).split(b"\r\n")[0]


def test_malformed_requests_get_400_and_one_log_line_each() -> None:
    server = subprocess.Popen([sys.executable, "-m", "wa_emulator", "serve", "--port", "0", "--clock", "manual"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        port = int(re.search(r"listening on http://127\.0\.0\.1:(\d+)", first).group(1))
        answers = [_status_line(port, request) for request in MALFORMED]
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=15)
    assert all(answer.endswith(b" 400 Bad Request") for answer in answers), answers
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if "malformed HTTP request from 127.0.0.1 answered 400" in line]
    assert len(lines) == len(MALFORMED), err
