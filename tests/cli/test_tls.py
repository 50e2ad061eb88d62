"""``serve --tls``: HTTPS that clients trusting the generated CA reach by address or by a provider's real host."""

from __future__ import annotations

import re
import ssl
import subprocess
import sys
from pathlib import Path

import aiohttp
import httpx
import pytest
import requests
import trustme

from wa_emulator.providers.mojeeb import sandbox as mojeeb_sandbox

from .serving import Served, serving

MOJEEB_AUTH = {"Authorization": f"Bearer {mojeeb_sandbox.KEY_FULL}"}


def _ca_path(served: Served) -> Path:
    """The CA file the banner names (read off the rest of the banner, up to its tls line)."""
    assert served.process.stdout is not None
    for line in served.process.stdout:
        found = re.search(r"tls +trust the CA (\S+) ", line)
        if found:
            return Path(found.group(1))
    raise AssertionError("the banner names no CA")


@pytest.fixture
def tls_server():
    with serving("--tls") as served:
        yield served, _ca_path(served)
        served.stop()  # SIGTERM, so the server removes its CA files (a kill would leave them)


def test_requests_and_httpx_trusting_the_ca_reach_the_emulator_by_address(tls_server) -> None:
    served, ca = tls_server
    url = f"https://127.0.0.1:{served.port}/_emulator/health"
    assert requests.get(url, verify=str(ca), timeout=10).json()["status"] == "ok"
    with httpx.Client(verify=ssl.create_default_context(cafile=ca), timeout=10) as client:
        assert client.get(url).json()["status"] == "ok"
        assert client.get(f"https://localhost:{served.port}/_emulator/health").status_code == 200


def test_a_client_without_the_ca_gets_a_certificate_error(tls_server) -> None:
    served, _ = tls_server
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        requests.get(f"https://127.0.0.1:{served.port}/_emulator/health", timeout=10)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"https://127.0.0.1:{served.port}/_emulator/health", timeout=10)


async def test_the_real_host_name_is_in_the_certificate_and_routes_to_its_provider(tls_server) -> None:
    # As a client whose resolver sends api.mojeeb.app here: SNI and Host name the real host.
    served, ca = tls_server
    context = ssl.create_default_context(cafile=ca)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"https://127.0.0.1:{served.port}/v1/whatsapp/messages/nope", ssl=context,
                               server_hostname="api.mojeeb.app",
                               headers={"Host": "api.mojeeb.app", **MOJEEB_AUTH}) as answer:
            assert answer.status == 404
            assert (await answer.json())["error"]["code"] == "message_not_found"
        with pytest.raises(aiohttp.ClientConnectorCertificateError):  # a name the certificate lacks
            await session.get(f"https://127.0.0.1:{served.port}/_emulator/health", ssl=context,
                              server_hostname="example.com")


def test_the_ca_is_served_as_pem_and_is_the_one_the_banner_names(tls_server) -> None:
    served, ca = tls_server
    answer = requests.get(f"https://127.0.0.1:{served.port}/_emulator/ca.pem", verify=str(ca), timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/x-pem-file")
    assert answer.content == ca.read_bytes()


def test_the_generated_ca_is_removed_when_the_server_stops() -> None:
    with serving("--tls") as served:
        ca = _ca_path(served)
        assert ca.is_file()
        assert served.stop() == 0
    assert not ca.exists()


def test_your_own_certificate_is_served_and_no_ca_is(tmp_path: Path) -> None:
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1")
    cert, key, bundle = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(bundle))
    with serving("--tls-cert", str(cert), "--tls-key", str(key)) as served:
        base = f"https://127.0.0.1:{served.port}/_emulator"
        assert requests.get(base + "/health", verify=str(bundle), timeout=10).status_code == 200
        answer = requests.get(base + "/ca.pem", verify=str(bundle), timeout=10)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "ca_not_generated"


def _serve_fails(*flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wa_emulator", "serve", "--port", "0", *flags],
                          capture_output=True, text=True, timeout=60)


def test_a_missing_or_unusable_certificate_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "junk.pem").write_text("not a certificate\n")
    for flags, says in [
        (("--tls-cert", str(tmp_path / "none.pem"), "--tls-key", str(tmp_path / "none.pem")), "no such file"),
        (("--tls-cert", str(tmp_path / "junk.pem"), "--tls-key", str(tmp_path / "junk.pem")), "not a PEM"),
        (("--tls-cert", str(tmp_path / "junk.pem")), "--tls-cert and --tls-key go together"),
    ]:
        done = _serve_fails(*flags)
        assert done.returncode == 2, done.stderr
        assert says in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
