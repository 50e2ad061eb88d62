"""What ``pip install`` ships: every contracts folder is a listed package, so the install is quiet and complete."""

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_contracts_folder_is_listed_so_setuptools_neither_warns_nor_skips_it() -> None:
    # An unlisted folder makes `make run` open with a screenful of "Package would be ignored" warnings.
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    folders = sorted(p.relative_to(ROOT / "contracts") for p in (ROOT / "contracts").rglob("*") if p.is_dir())
    missing = [f for f in folders if "wa_emulator.contract_files." + ".".join(f.parts) not in packages]
    assert missing == []


# -- the wheel, installed where the checkout is out of sight ------------------------------------

SOURCES = ("pyproject.toml", "README.md", "wa_emulator", "contracts", "scenarios")
STEP_TIMEOUT = 300  # seconds for one build or install step (pip fetches dependencies); a hang fails, not blocks
PLUGIN_TEST = '''
import json
import urllib.request

import aiohttp
import pytest


def test_sync_fixture_serves_the_sandbox(wa_emulator_sync):
    with urllib.request.urlopen(wa_emulator_sync.base_url + "/_emulator/health", timeout=10) as answer:
        assert json.load(answer)["status"] == "ok"


@pytest.mark.asyncio
async def test_async_fixture_mounts_every_provider(wa_emulator):
    async with aiohttp.ClientSession() as session:
        async with session.get(wa_emulator.base_url + "/_emulator/health") as answer:
            assert (await answer.json())["providers"] == ["mojeeb", "wazapin", "qlara"]
'''


def _run(*command: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=STEP_TIMEOUT)
    assert done.returncode == 0, f"{' '.join(map(str, command))}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _health_of_served(wa_emulator: Path, cwd: Path, env: dict[str, str]) -> dict[str, object]:
    """Start the installed ``wa-emulator serve``, read its health once it answers, stop it."""
    process = subprocess.Popen([str(wa_emulator), "serve", "--port", "0", "--clock", "manual"], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", process.stdout.readline())
        assert found, process.communicate(timeout=30)
        with urllib.request.urlopen(f"http://127.0.0.1:{found.group(1)}/_emulator/health", timeout=10) as answer:
            return json.load(answer)
    finally:
        process.terminate()
        process.communicate(timeout=60)


def test_the_wheel_installs_into_a_fresh_venv_and_serves_validates_and_runs_the_plugin(tmp_path: Path) -> None:
    # Built from a copy, so neither build/ nor an egg-info lands in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS")}
    _run(sys.executable, "-m", "build", "--outdir", tmp_path / "dist", source, cwd=tmp_path, env=env)
    wheel = next((tmp_path / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as built:
        shipped = set(built.namelist())
    assert {"wa_emulator/contract_files/mojeeb/message.json", "wa_emulator/contract_files/control/health.json",
            "wa_emulator/bundled_scenarios/sandbox.yaml", "wa_emulator/bundled_scenarios/happy-path.yaml"} <= shipped
    with tarfile.open(next((tmp_path / "dist").glob("*.tar.gz"))) as sdist:
        packed = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"contracts/mojeeb/message.json", "scenarios/sandbox.yaml", "pyproject.toml"} <= packed

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env)
    python, bin_dir = venv / "bin" / "python", venv / "bin"
    _run(python, "-m", "pip", "install", "--quiet", wheel, "pytest", "pytest-aiohttp", cwd=tmp_path, env=env)
    project = tmp_path / "project"  # a user's project: nothing of the checkout on its path
    project.mkdir()

    health = _health_of_served(bin_dir / "wa-emulator", project, env)
    assert health["status"] == "ok"
    where = "import importlib.resources as r; print(r.files('wa_emulator.bundled_scenarios') / 'happy-path.yaml')"
    scenario = _run(python, "-c", where, cwd=project, env=env).strip()
    assert Path(scenario).is_relative_to(venv)  # the installed copy, not the checkout's
    assert _run(bin_dir / "wa-emulator", "validate", scenario, cwd=project, env=env).startswith(f"{scenario}: ok")

    (project / "test_with_plugin.py").write_text(PLUGIN_TEST)
    result = _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_with_plugin.py", cwd=project, env=env)
    assert "2 passed" in result
