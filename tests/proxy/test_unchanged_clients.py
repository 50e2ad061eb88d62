"""Unchanged clients (requests, httpx, curl) reach each provider at its real https:// base URL through the proxy.

Only the environment changes (``HTTPS_PROXY`` and the CA bundle variables from ``proxy_env()``); the
code and base URLs are those of production. Each sends a message, the emulated clock moves, and the
status read through the proxy is the one the emulator's own prefixed URL reports.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests

from wa_emulator.testing import ThreadedEmulator

from .conftest import OTHER_PROXY_VARIABLES, REAL_APIS, RealApi

Call = Callable[[str, str, dict[str, str], Any], tuple[int, Any]]


def _requests(method: str, url: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
    answer = requests.request(method, url, headers=headers, json=body, timeout=10)
    return answer.status_code, answer.json()


def _httpx(method: str, url: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
    with httpx.Client(timeout=10) as client:  # trust_env: HTTPS_PROXY and SSL_CERT_FILE
        answer = client.request(method, url, headers=headers, json=body)
    return answer.status_code, answer.json()


def _curl(env: dict[str, str]) -> Call:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed (.ci/run installs Debian's)")

    def call(method: str, url: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        command = ["curl", "-sS", "-X", method, "-w", "\n%{http_code}", url]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        if body is not None:
            command += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
        assert done.returncode == 0, done.stderr
        text, _, code = done.stdout.rpartition("\n")
        return int(code), json.loads(text)

    return call


@pytest.fixture(params=["requests", "httpx", "curl"])
def client(request: pytest.FixtureRequest, proxy_environment: dict[str, str]) -> Call:
    if request.param == "curl":
        return _curl(proxy_environment)
    return _requests if request.param == "requests" else _httpx


@pytest.mark.parametrize("api", REAL_APIS, ids=lambda api: api.provider)
def test_send_and_read_the_status_at_the_real_base_url(client: Call, api: RealApi, proxied: ThreadedEmulator) -> None:
    status, sent = client("POST", api.base + api.send_path, api.headers, api.send_body)
    assert status in (200, 201, 202), sent
    message_id = api.message_id(sent)
    assert proxied.message(message_id)["provider"] == api.provider  # it reached the emulator, as that provider

    proxied.advance("1m")
    status, answer = client("GET", api.status_url(message_id), api.headers, None)
    assert status == 200, answer
    # The same status the emulator's own prefixed URL reports, over plain HTTP and without the proxy.
    direct = requests.get(api.status_url(message_id, base=proxied.url(api.provider)), headers=api.headers,
                          proxies={"http": "", "https": ""}, timeout=10)
    assert api.status(answer) == api.status(direct.json())
    assert proxied.history(message_id)[-1] != "queued"  # the clock moved the message on


def test_a_client_without_the_ca_is_refused_by_its_own_tls_check(proxied, monkeypatch) -> None:
    # Proxy mode is interception: only a client told to trust the emulator's CA accepts it.
    for name in (*OTHER_PROXY_VARIABLES, "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        requests.get(REAL_APIS[0].base + "/v1/whatsapp/messages/nope", verify=True,
                     proxies={"https": proxied.proxy_url}, timeout=10)
    assert requests.get(proxied.base_url + "/_emulator/health", timeout=10).status_code == 200  # still serving


def test_plain_http_proxy_requests_for_a_provider_host_are_served(proxy_environment, proxied) -> None:
    # An absolute-form request (HTTP_PROXY for http://api.mojeeb.app) is served like its https:// twin.
    answer = requests.get("http://api.mojeeb.app/v1/whatsapp/messages/nope", headers=REAL_APIS[0].headers,
                          proxies={"http": proxied.proxy_url}, timeout=10)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "message_not_found"
    refused = requests.get("http://example.com/", proxies={"http": proxied.proxy_url}, timeout=10)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "proxy_host_refused"


@pytest.mark.wa_emulator(proxy=True)
def test_the_marker_turns_proxy_mode_on_for_the_sync_fixture(wa_emulator_sync, monkeypatch) -> None:
    env = wa_emulator_sync.proxy_env()
    assert env["HTTPS_PROXY"] == wa_emulator_sync.proxy_url == wa_emulator_sync.base_url
    assert env["REQUESTS_CA_BUNDLE"] == env["SSL_CERT_FILE"] == str(wa_emulator_sync.ca_path)
    answer = requests.get("https://api.wazapin.com/v1/health", proxies={"https": env["HTTPS_PROXY"]},
                          verify=env["REQUESTS_CA_BUNDLE"], timeout=10)
    assert answer.json() == {"status": "ok"}
