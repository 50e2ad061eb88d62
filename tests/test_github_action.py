"""The composite GitHub Action (.github/actions/wa-emulator): its YAML is what the runner accepts, and
its script installs nothing here (install=false), starts the server, waits for health and writes outputs."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from .proxy.conftest import OTHER_PROXY_VARIABLES, REAL_APIS

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / ".github" / "actions" / "wa-emulator"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _action() -> dict:
    return yaml.safe_load((ACTION / "action.yml").read_text())


def test_the_action_has_the_keys_the_metadata_schema_requires() -> None:
    # https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions
    action = _action()
    assert isinstance(action["name"], str) and action["name"]
    assert isinstance(action["description"], str) and action["description"]
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps and all("run" in step or "uses" in step for step in steps)
    assert all(step.get("shell") for step in steps if "run" in step)  # composite run steps must name a shell
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name
        assert isinstance(spec.get("default", ""), str), name  # inputs are strings
    ids = {step["id"] for step in steps if "id" in step}
    for name, spec in action["outputs"].items():
        assert spec.get("description") and spec.get("value"), name  # a composite output needs its value
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.[\w-]+", EXPRESSION.search(spec["value"]).group(1))
        assert step and step.group(1) in ids, spec["value"]


def test_every_input_reaches_the_script_and_the_script_reads_it() -> None:
    action = _action()
    step = action["runs"]["steps"][0]
    used = {EXPRESSION.fullmatch(value).group(1) for value in step["env"].values()}
    assert used == {f"inputs.{name}" for name in action["inputs"]}
    assert not EXPRESSION.search(step["run"])  # no input spliced into the shell command
    script = (ACTION / "start.sh").read_text()
    for variable in step["env"]:
        # WA_EMULATOR_CONTROL_TOKEN is read by `wa-emulator serve` itself.
        assert f"${{{variable}" in script or variable == "WA_EMULATOR_CONTROL_TOKEN", variable
    assert os.access(ACTION / "start.sh", os.X_OK)


def _start(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], Path]:
    """Run start.sh as the action's step runs it, with ``inputs`` (WA_EMULATOR_<NAME>) and a fresh $GITHUB_OUTPUT."""
    outputs, env_file = tmp_path / "output", tmp_path / "env"
    env = {name: value for name, value in os.environ.items() if name not in OTHER_PROXY_VARIABLES}
    env.update({"WA_EMULATOR_PORT": "0", "WA_EMULATOR_INSTALL": "false", "WA_EMULATOR_PYTHON": sys.executable,
                "WA_EMULATOR_TIMEOUT": "30", "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(outputs),
                "GITHUB_ENV": str(env_file)})
    env.update({f"WA_EMULATOR_{name.upper()}": value for name, value in inputs.items()})
    done = subprocess.run(["bash", str(ACTION / "start.sh")], env=env, capture_output=True, text=True, timeout=90)
    found = dict(line.split("=", 1) for line in outputs.read_text().splitlines()) if outputs.exists() else {}
    return done, found, env_file


def _gone(url: str) -> bool:
    try:
        requests.get(url, timeout=2, proxies={"http": "", "https": ""})
    except requests.ConnectionError:
        return True
    return False


def _stop(outputs: dict[str, str]) -> str:
    """SIGTERM the ``pid`` output and wait for the server's goodbye; its log."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(int(outputs["pid"]), signal.SIGTERM)
    log = Path(outputs["log"])
    for _ in range(300):  # the server is not our child: watch its log instead of waiting for it
        if "wa-emulator: stopped" in log.read_text():
            break
        time.sleep(0.1)
    return log.read_text()


@pytest.fixture
def started(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    done, outputs, env_file = _start(tmp_path, args="--clock manual --proxy", export_proxy_env="true")
    assert done.returncode == 0, done.stderr
    try:
        yield outputs, env_file
    finally:
        _stop(outputs)


def test_the_script_starts_the_server_waits_for_health_and_outputs_the_urls(started) -> None:
    outputs, _ = started
    url = outputs["url"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url) and not url.endswith(":0")
    no_proxy = {"http": "", "https": ""}
    assert requests.get(url + "/_emulator/health", proxies=no_proxy, timeout=10).json()["status"] == "ok"
    assert outputs["mojeeb-url"] == url + "/mojeeb" and outputs["qlara-url"] == url + "/qlara/api"
    assert outputs["control-url"] == url + "/_emulator/"
    answer = requests.get(outputs["wazapin-url"] + "/v1/health", proxies=no_proxy, timeout=10)
    assert answer.json() == {"status": "ok"}
    assert "Ctrl-C stops the server." in Path(outputs["log"]).read_text()


def test_with_proxy_the_later_steps_environment_reaches_the_real_host_unchanged(started, monkeypatch) -> None:
    outputs, env_file = started
    exported = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert exported["WA_EMULATOR_URL"] == outputs["url"]
    assert exported["HTTPS_PROXY"] == outputs["proxy-url"] == outputs["url"]
    assert exported["REQUESTS_CA_BUNDLE"] == outputs["ca-path"]
    for name in OTHER_PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in exported.items():
        monkeypatch.setenv(name, value)
    mojeeb = REAL_APIS[0]
    answer = requests.post(mojeeb.base + mojeeb.send_path, json=mojeeb.send_body, headers=mojeeb.headers, timeout=10)
    assert answer.status_code == 202, answer.text


def test_killing_the_pid_output_stops_the_server(tmp_path: Path) -> None:
    done, outputs, _ = _start(tmp_path, args="--clock manual")
    assert done.returncode == 0, done.stderr
    assert "wa-emulator: stopped" in _stop(outputs)
    assert _gone(outputs["url"] + "/_emulator/health")


def test_a_server_that_cannot_start_fails_the_step_with_its_reason(tmp_path: Path) -> None:
    done, outputs, _ = _start(tmp_path, scenario="no-such-scenario")
    assert done.returncode == 1
    assert "::error title=wa-emulator::wa-emulator serve exited before it was ready" in done.stderr
    assert "no-such-scenario" in done.stderr  # the server's own one-line reason, from its log
    assert outputs == {}
