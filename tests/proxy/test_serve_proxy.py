"""``serve --proxy``: the banner says what to set, clients reach the real hosts through it, and it stops cleanly."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys

import pytest
import requests

from ..cli.serving import serving
from ..cli.test_tls import _ca_path
from .conftest import REAL_APIS


def _banner_env(served) -> dict[str, str]:
    """The variables the banner's proxy line tells a user to set (read after its tls line)."""
    assert served.process.stdout is not None
    lines = iter(served.process.stdout)
    for line in lines:
        if line.lstrip().startswith("proxy "):
            return dict(re.findall(r"(\w+)=(\S+)", next(lines)))
    raise AssertionError("the banner has no proxy line")


def test_serve_proxy_banner_env_is_enough_for_an_unchanged_client(monkeypatch) -> None:
    with serving("--proxy") as served:
        ca = _ca_path(served)
        env = _banner_env(served)
        assert env["HTTPS_PROXY"] == f"http://127.0.0.1:{served.port}"
        assert env["REQUESTS_CA_BUNDLE"] == env["SSL_CERT_FILE"] == env["CURL_CA_BUNDLE"] == str(ca)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        mojeeb = REAL_APIS[0]
        answer = requests.post(mojeeb.base + mojeeb.send_path, json=mojeeb.send_body, headers=mojeeb.headers,
                               timeout=10)
        assert answer.status_code == 202, answer.text
        status, body = served.call("GET", "/_emulator/messages/" + answer.json()["id"])  # plain HTTP, same port
        assert status == 200 and body["provider"] == "mojeeb"
        if shutil.which("curl"):
            done = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                                   "https://api.wazapin.com/v1/health"],
                                  capture_output=True, text=True, env={**env, "PATH": "/usr/bin:/bin"}, timeout=30)
            assert done.stdout == "200", done.stderr
        assert served.stop() == 0
    assert not ca.exists()


def test_serve_proxy_refusals_and_garbage_are_one_line_and_a_tunnel_left_open_does_not_hold_the_stop() -> None:
    with serving("--proxy") as served:
        _ca_path(served)  # read the banner so the child never blocks writing it
        refused = (b"CONNECT example.com:443 HTTP/1.1\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x16\x03\x01junk\r\n\r\n")
        for data in refused:
            with socket.create_connection(("127.0.0.1", served.port), timeout=10) as raw:
                raw.sendall(data)
                assert re.match(rb"HTTP/1\.[01] 4\d\d ", raw.recv(65536))
        idle = socket.create_connection(("127.0.0.1", served.port), timeout=10)
        idle.sendall(b"CONNECT api.mojeeb.app:443 HTTP/1.1\r\n\r\n")
        assert idle.recv(1024).startswith(b"HTTP/1.1 200 Connection established")  # then no handshake at all
        try:
            assert served.stop() == 0
        finally:
            idle.close()
    assert "Traceback" not in served.err, served.err


@pytest.mark.parametrize("other", [["--tls"], ["--tls-cert", "x.pem", "--tls-key", "x.pem"]])
def test_proxy_with_tls_is_one_line_and_exit_2(other: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "wa_emulator", "serve", "--port", "0", "--proxy", *other],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "cannot be combined with --tls" in done.stderr and done.stderr.count("\n") == 1
