"""docs/testing.md's examples are real: every example-file block is written out and run with pytest."""

import re
from pathlib import Path

from tests.plugin.conftest import entry_point_installed

DOC = Path(__file__).parents[2] / "docs" / "testing.md"
EXAMPLE = re.compile(r"<!-- example-file: (?P<name>[\w.]+) -->\n```\w*\n(?P<body>.*?)\n```", re.S)


def examples() -> dict[str, str]:
    """File name -> content of every example-file block in docs/testing.md."""
    return {match["name"]: match["body"] + "\n" for match in EXAMPLE.finditer(DOC.read_text(encoding="utf-8"))}


def test_the_doc_has_examples_for_every_step():
    files = examples()
    assert {"pytest.ini", "mojeeb_client.py", "test_mojeeb_first.py", "test_qlara_first.py",
            "test_wazapin_first.py"} <= set(files)


def test_every_example_in_testing_md_passes(pytester):
    files = examples()
    for name, body in files.items():
        pytester.path.joinpath(name).write_text(body, encoding="utf-8")
    expected = sum(len(re.findall(r"^(?:async )?def test_", body, re.M)) for name, body in files.items()
                   if name.startswith("test_"))
    plugin = [] if entry_point_installed() else ["-p", "wa_emulator.testing.pytest_plugin"]
    result = pytester.runpytest(*plugin, "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=expected)
