"""``serve`` closes idle and slow connections, so they cannot hold the server's file descriptors."""

from __future__ import annotations

import resource
import select
import socket
import time

from .serving import serving

HEALTH = b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
SHORT = ("--keepalive-timeout", "0.5", "--header-timeout", "0.5")


def closed_by_server(conn: socket.socket, wait: float = 30) -> bool:
    """Whether the server closes ``conn`` within ``wait`` seconds (a generous bound, not a timing test)."""
    conn.settimeout(wait)
    try:
        while chunk := conn.recv(65536):
            del chunk  # the answer to a request sent before; the close comes after it
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_an_idle_keep_alive_connection_is_closed_by_the_server():
    with serving(*SHORT) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as conn:
            conn.sendall(HEALTH)
            assert conn.recv(64).startswith(b"HTTP/1.1 200")
            assert closed_by_server(conn)
        assert served.stop() == 0


def test_a_client_sending_headers_slowly_is_cut_off_while_others_are_served():
    with serving(*SHORT) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as slow:
            request = b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200 + b"\r\n\r\n"
            cut = False
            for byte in request:  # one byte per 0.2 s: 45 s in all, unless the server cuts it off
                try:
                    slow.sendall(bytes([byte]))
                except OSError:
                    cut = True
                    break
                if select.select([slow], [], [], 0.2)[0]:
                    cut = slow.recv(64) == b""
                    break
                if byte % 16 == 0:
                    assert served.call("GET", "/_emulator/health")[0] == 200  # others are still served
            assert cut, "the slow client was never cut off"
        assert served.call("GET", "/_emulator/health")[0] == 200
        assert served.stop() == 0
        assert "Traceback" not in served.err, served.err


def _few_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))


def test_more_idle_sockets_than_descriptors_lock_no_one_out_for_good_and_log_no_tracebacks():
    with serving(*SHORT, preexec=_few_descriptors) as served:
        idle = [socket.create_connection(("127.0.0.1", served.port), timeout=10) for _ in range(100)]
        try:
            deadline = time.monotonic() + 60  # generous: the idle ones are closed after 0.5 s
            status = None
            while status != 200 and time.monotonic() < deadline:
                try:
                    status = served.call("GET", "/_emulator/health", timeout=5)[0]
                except OSError:
                    time.sleep(0.2)
            assert status == 200
        finally:
            for conn in idle:
                conn.close()
        assert served.stop() == 0
    assert "Traceback" not in served.err, served.err[:2000]
