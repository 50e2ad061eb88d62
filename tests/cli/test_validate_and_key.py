"""``wa-emulator validate`` reports every error of every file; ``wa-emulator key`` mints keys it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from wa_emulator.cli import main
from wa_emulator.providers.keyformats import FORMATS, key_problem
from wa_emulator.providers.mojeeb.keys import make_key

BAD_CHECKSUM = "mk_live_8aB3cDe4FgH5iJ6kLm7nOp_a1b2c3d4e5"  # the shape of the docs' example, not its checksum


def _scenario(key: str) -> str:
    return (
        "version: 1\nname: keyed\ntenants:\n  mojeeb:\n    - id: org_test\n      name: Test\n"
        f"      keys:\n        - {{name: ci, secret: {key}}}\n"
    )


def test_validate_lists_every_schema_error_of_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("version: 1\nname: many\nseed: lots\nclock: {mode: sometimes}\ncontacts: 7\n")
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[2] for line in lines] == ["seed", "clock.mode", "contacts"], lines
    assert all(line.startswith(f"error: {path}:") for line in lines)
    assert [line.split(":")[2] for line in lines] == ["3", "4", "5"]  # each with its line


@pytest.mark.parametrize("provider", sorted(FORMATS))
def test_key_mints_a_well_formed_key_for_each_provider(provider: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["key", provider]) == 0
    first = capsys.readouterr().out.strip()
    assert main(["key", provider]) == 0
    second = capsys.readouterr().out.strip()
    assert key_problem(provider, first) is None and first != second


def test_key_refuses_an_unknown_provider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["key", "mojeb"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mojeeb" in err and "Traceback" not in err


def test_validate_refuses_a_mojeeb_key_with_a_wrong_checksum(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad, good = tmp_path / "bad.yaml", tmp_path / "good.yaml"
    bad.write_text(_scenario(BAD_CHECKSUM))
    good.write_text(_scenario(make_key("8aB3cDe4FgH5iJ6kLm7nOp")))
    assert main(["validate", str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    assert f"{good}: ok (keyed)" in captured.out
    assert captured.err.startswith(f"error: {bad}:8:30: tenants.mojeeb[0].keys[0].secret: not a well-formed Mojeeb key")
    assert "wa-emulator key mojeeb" in captured.err and captured.err.count("\n") == 1


def test_a_minted_key_passes_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["key", "mojeeb"]) == 0
    path = tmp_path / "minted.yaml"
    path.write_text(_scenario(capsys.readouterr().out.strip()))
    assert main(["validate", str(path)]) == 0


def test_serve_refuses_a_scenario_whose_mojeeb_key_would_401_every_call(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(_scenario(BAD_CHECKSUM))
    assert main(["serve", "--port", "0", "--scenario", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:8:30: tenants.mojeeb[0].keys[0].secret: not a well-formed Mojeeb key")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_validate_and_serve_refuse_a_fault_that_would_never_fire(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "faulty.yaml"
    bad.write_text("version: 1\nname: faulty\nfaults:\n"
                   "  - {provider: mojeeb, path: /mojeeb/v1/whatsapp/templates, status: 503}\n")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:4:") and "faults[0].path" in err
    assert "relative to the provider's base URL" in err
    assert main(["serve", "--port", "0", "--scenario", str(bad)]) == 1
    assert "faults[0].path" in capsys.readouterr().err
