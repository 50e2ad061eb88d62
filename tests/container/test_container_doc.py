"""docs/container.md's testcontainers snippet is real: written out and run with pytest against the image."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "container.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"<!-- example-file: (?P<name>[\w.]+) -->\n```\w*\n(?P<body>.*?)\n```", re.S)


def test_the_testcontainers_snippet_runs_against_the_image(image: str, tmp_path: Path) -> None:
    found = {m["name"]: m["body"] for m in EXAMPLE.finditer(DOC)}
    (tmp_path / "test_with_testcontainers.py").write_text(found["test_with_testcontainers.py"] + "\n")
    # The reaper (Ryuk) is an image of its own, which an offline CI cannot pull; the with block stops the container.
    env = {**os.environ, "WA_EMULATOR_IMAGE": image, "TESTCONTAINERS_RYUK_DISABLED": "true"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           str(tmp_path)], capture_output=True, text=True, timeout=180, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_every_yaml_snippet_parses() -> None:
    blocks = re.findall(r"```yaml\n(.*?)\n```", DOC, re.S)
    assert len(blocks) == 3
    for block in blocks:
        assert isinstance(yaml.safe_load(block), dict)
