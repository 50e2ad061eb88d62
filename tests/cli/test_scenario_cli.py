"""``wa-emulator validate``, ``scenarios`` and ``serve --scenario``."""

from __future__ import annotations

from pathlib import Path

import pytest

from wa_emulator.app import create_app
from wa_emulator.cli import banner, build_parser, main
from wa_emulator.settings import Settings

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_validate_accepts_every_bundled_file(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(path) for path in SCENARIOS.glob("*.yaml"))
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok (") == len(files) == 14


def test_validate_reports_every_bad_file_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text("version: 1\nname: first\ntimelines:\n  - match: {to: 15550001000}\n    steps: []\n")
    second.write_text("not: valid: yaml\n")
    assert main(["validate", str(SCENARIOS / "happy-path.yaml"), str(first), str(second)]) == 1
    captured = capsys.readouterr()
    assert "happy-path.yaml: ok (happy-path)" in captured.out
    assert captured.err == (
        f"error: {first}:4:17: timelines[0].match.to: expected an E.164 number or a list of them, "
        "got the number 15550001000\n"
        f"error: {second}:1:11: (syntax): not valid YAML: mapping values are not allowed here\n"
    )


def test_scenarios_lists_the_bundled_ones_with_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(path.stem for path in SCENARIOS.glob("*.yaml"))
    assert any(line.startswith("sandbox ") and "magic recipient" in line for line in lines)


def test_serve_with_a_bad_scenario_stops_before_listening(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", "--scenario", "no-such-scenario"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no-such-scenario: (scenario): no bundled scenario or file by that name")
    assert err.count("\n") == 1


def test_serve_defaults_to_the_sandbox_and_says_so() -> None:
    assert build_parser().parse_args(["serve"]).scenario == "sandbox"
    text = banner(create_app(Settings(port=0, scenario="sandbox")), "127.0.0.1", 8066)
    assert "  scenario sandbox (sandbox.yaml)" in text
    assert "rate-limited" in text  # the sandbox's extra key is among the printed credentials


def test_validate_also_checks_what_fixtures_refer_to(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orphan.yaml"
    path.write_text(
        "version: 1\nname: orphan\nfixtures:\n  - {id: m1, provider: mojeeb, org: nobody, agent: a,\n"
        "     from: '+15550100001', to: '+15550001001', status: sent}\n"
    )
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {path}:4:5: fixtures[0].org: no organization 'nobody' (add it under tenants)\n"


def test_validate_reports_an_unreadable_number_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("version: 1\nname: huge\nseed: " + "1" * 5000 + "\n")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: (syntax): a value YAML cannot read:")
    assert err.count("\n") == 1
