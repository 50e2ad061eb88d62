"""The container image, built once per session where a Docker daemon answers.

Without a daemon the tests skip with one line; CI sets ``WA_REQUIRE_DOCKER=1`` (after starting a
daemon and building a base image from Debian's packages, ``.ci/docker-base``) so they never skip
there. ``WA_DOCKER_BASE`` names the base image to build on (default: the one ``.ci/docker-base``
built, if this machine has it, else the Dockerfile's own).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 600  # seconds: pip fetches the dependencies inside the build


def _daemon_problem() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return "no docker command on PATH"
    try:
        answer = subprocess.run([docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True,
                                timeout=20)
    except subprocess.TimeoutExpired:
        return "docker info did not answer within 20 s"
    if answer.returncode != 0:
        return f"no Docker daemon answers ({answer.stderr.strip().splitlines()[-1] if answer.stderr.strip() else ''})"
    return None


def docker(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the docker CLI; a failure shows its output."""
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


LOCAL_BASE = "wa-emulator-base:bookworm"  # what .ci/docker-base builds


def _local_debian_base() -> str | None:
    # Where no registry is reachable the Dockerfile's default base cannot be pulled; a base built
    # here from Debian's packages by .ci/docker-base serves instead.
    found = docker("image", "inspect", LOCAL_BASE, check=False)
    return LOCAL_BASE if found.returncode == 0 else None


@pytest.fixture(scope="session")
def image() -> Iterator[str]:
    """The tag of the image built from this checkout's Dockerfile (removed at the end)."""
    problem = _daemon_problem()
    if problem is not None:
        if os.environ.get("WA_REQUIRE_DOCKER") == "1":
            pytest.fail(f"WA_REQUIRE_DOCKER=1 but {problem}", pytrace=False)
        pytest.skip(f"container tests need a Docker daemon: {problem}")
    tag = f"wa-emulator-test:{uuid.uuid4().hex[:12]}"
    build = ["build", "--quiet", "--tag", tag, "--network", "host"]  # host: pip reaches PyPI without NAT rules
    base = os.environ.get("WA_DOCKER_BASE") or _local_debian_base()
    if base:
        build += ["--build-arg", f"BASE={base}"]
    docker(*build, str(ROOT), timeout=BUILD_TIMEOUT)
    try:
        yield tag
    finally:
        docker("image", "rm", "--force", tag, check=False)
