"""``serve``'s exposure flags: the banner says who may call the control API and where webhooks go."""

import os
import signal
import subprocess
import sys
from itertools import takewhile

import pytest

from wa_emulator.app import create_app
from wa_emulator.cli import banner as banner_of
from wa_emulator.cli import build_parser, main
from wa_emulator.settings import Settings


def served_banner(*flags: str, env: dict[str, str] | None = None) -> str:
    """Start ``serve`` on 127.0.0.1 with ``flags``, read its banner, stop it with Ctrl-C."""
    with subprocess.Popen(
        [sys.executable, "-m", "wa_emulator", "serve", "--port", "0", "--clock", "manual", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
    ) as process:
        try:
            banner = "".join(takewhile(lambda line: not line.startswith("Ctrl-C"), process.stdout))
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
            return banner
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def line_of(banner: str, label: str) -> str:
    [line] = [line.strip() for line in banner.splitlines() if line.startswith(f"  {label} ")]
    return line


def test_by_default_the_control_api_is_loopback_only_and_webhooks_go_anywhere():
    banner = served_banner(env={"WA_EMULATOR_CONTROL_TOKEN": ""})
    assert line_of(banner, "access") == ("access   loopback only: other clients are refused "
                                         "(serve with --control-token or --control-open)")
    assert line_of(banner, "webhooks") == "webhooks delivered to any URL (never to the control API)"


def test_a_given_token_and_loopback_webhooks_are_in_the_banner():
    banner = served_banner("--control-token", "tok-123", "--webhook-destinations", "loopback")
    assert line_of(banner, "access") == ("access   token: clients beyond loopback send "
                                         "Authorization: Bearer <the token given> (or X-Emulator-Token)")
    assert "tok-123" not in banner, "a token the user gave is not echoed into logs"
    assert line_of(banner, "webhooks") == ("webhooks delivered to loopback addresses only "
                                           "(--webhook-destinations loopback)")


def test_the_token_can_come_from_the_environment_and_open_beats_it():
    banner = served_banner(env={"WA_EMULATOR_CONTROL_TOKEN": "from-env"})
    assert "Bearer <the token given>" in banner and "from-env" not in banner
    banner = served_banner("--control-open", env={"WA_EMULATOR_CONTROL_TOKEN": "from-env"})
    assert line_of(banner, "access") == "access   open: any client may call it (--control-open)"


def test_binding_beyond_loopback_prints_a_generated_token():
    # Built, not bound: tests listen on 127.0.0.1 only; serve prints exactly this banner.
    banner = banner_of(create_app(Settings(host="0.0.0.0", port=0)), "0.0.0.0", 8066)
    access = line_of(banner, "access")
    assert access.startswith("access   token: clients beyond loopback send Authorization: Bearer ")
    assert len(access.split("Bearer ")[1].split()[0]) >= 32
    opened = banner_of(create_app(Settings(host="0.0.0.0", port=0, control_open=True)), "0.0.0.0", 8066)
    assert "open: any client may call it" in line_of(opened, "access")


@pytest.mark.parametrize(("argv", "expected"), [
    (["--control-open", "--control-token", "x"], "not allowed with argument --control-open"),
    (["--control-token", " "], "the control token must not be empty"),
    (["--webhook-destinations", "lan"], "invalid choice: 'lan'"),
])
def test_bad_exposure_flags_are_one_line_and_exit_2(capsys, argv, expected):
    assert main(["serve", "--port", "0", *argv]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1


def test_the_flags_default_to_loopback_control_and_any_destination(monkeypatch):
    monkeypatch.delenv("WA_EMULATOR_CONTROL_TOKEN", raising=False)
    args = build_parser().parse_args(["serve"])
    assert (args.control_token, args.control_open, args.webhook_destinations) == (None, False, "any")
