"""The image as a CI job or a developer runs it: port published, options passed through, scenarios
from a volume, health checked, a non-root user, the control API behind its token."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import docker

TOKEN = "container-test-token"
MOJEEB_KEY = "mk_live_SandboxAcmeFullScope01_60f53fc0cf"
SEND = {"agent_id": "12345678-1234-1234-1234-123456789012", "from": "+15550100001", "to": "+15550001001",
        "template": {"name": "order_shipped", "language": "en"}}
SCENARIO = """\
version: 1
name: from-the-volume
description: mounted into the container at /scenarios
contacts:
  "+15550001001": {last_inbound: -1h, name: Volume Contact}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Running:
    name: str
    base: str

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                raw = answer.read()
                return answer.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def control(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.call(method, "/_emulator" + path, body, {"Authorization": f"Bearer {TOKEN}"})
        assert status < 300, (status, answer)
        return answer


def _run(image: str, *options: str, volume: Path | None = None) -> Iterator[Running]:
    name = f"wa-emulator-test-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    command = ["run", "--detach", "--name", name, "--publish", f"127.0.0.1:{port}:8066",
               "--env", f"WA_EMULATOR_CONTROL_TOKEN={TOKEN}"]
    if volume is not None:
        command += ["--volume", f"{volume}:/scenarios:ro"]
    docker(*command, image, *options)
    running = Running(name, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if running.call("GET", "/_emulator/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                logs = docker("logs", name, check=False)
                raise AssertionError(f"the container never answered /_emulator/health:\n{logs.stdout}{logs.stderr}")
            time.sleep(0.2)
        yield running
    finally:
        docker("rm", "--force", name, check=False)


@pytest.fixture(scope="module")
def container(image: str) -> Iterator[Running]:
    yield from _run(image, "--clock", "manual")


def test_a_message_sent_from_the_host_is_delivered_when_the_clock_moves(container: Running) -> None:
    status, sent = container.call("POST", "/mojeeb/v1/whatsapp/templates", SEND,
                                  {"Authorization": f"Bearer {MOJEEB_KEY}"})
    assert status == 202, sent
    assert sent["status"] == "queued"
    container.control("POST", "/clock/advance", {"seconds": "1m"})
    status, looked_up = container.call("GET", f"/mojeeb/v1/whatsapp/messages/{sent['id']}", None,
                                       {"Authorization": f"Bearer {MOJEEB_KEY}"})
    assert status == 200
    assert looked_up["status"] in {"delivered", "read"}


def test_the_control_api_wants_the_token_from_beyond_loopback(container: Running) -> None:
    # The host reaches the container through the published port, so it is not the container's loopback.
    status, answer = container.call("GET", "/_emulator/messages")
    assert status == 401, answer
    assert container.control("GET", "/messages") is not None


def test_the_health_check_reports_healthy_and_the_server_runs_as_a_user(container: Running, image: str) -> None:
    deadline = time.monotonic() + 60
    state = ""
    while time.monotonic() < deadline:
        state = docker("inspect", "--format", "{{.State.Health.Status}}", container.name).stdout.strip()
        if state == "healthy":
            break
        time.sleep(0.5)
    assert state == "healthy"
    assert docker("exec", container.name, "id", "-u").stdout.strip() != "0"
    config = json.loads(docker("image", "inspect", image).stdout)[0]["Config"]
    assert config["User"] == "emulator"
    assert "8066/tcp" in config["ExposedPorts"]


def test_a_scenario_mounted_from_a_volume_is_named_on_the_command_line(image: str, tmp_path: Path) -> None:
    tmp_path.chmod(0o755)  # the container's user reads it
    (tmp_path / "mine.yaml").write_text(SCENARIO)
    (tmp_path / "mine.yaml").chmod(0o644)
    for running in _run(image, "--scenario", "/scenarios/mine.yaml", volume=tmp_path):
        assert running.control("GET", "/scenario")["name"] == "from-the-volume"
        # and one loaded on the running server by its name in the volume
        assert running.control("POST", "/scenario", {"path": "mine.yaml"})["name"] == "from-the-volume"


def test_a_bad_option_stops_the_container_with_one_line(image: str) -> None:
    done = docker("run", "--rm", image, "--clock", "sideways", check=False)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert any("--clock" in line for line in lines), done.stderr
    assert "Traceback" not in done.stderr
