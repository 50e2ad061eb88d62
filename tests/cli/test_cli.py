"""The wa-emulator command, run as a real process."""

import json
import signal
import subprocess
import sys
import urllib.request

from wa_emulator.cli import main


def test_bad_arguments_give_one_readable_line_and_a_non_zero_exit(capsys):
    assert main(["serve", "--clock", "fast"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "clock must be real, manual or scaled:FACTOR" in err
    assert main(["serve", "--port", "99999"]) == 2
    assert "between 0 and 65535" in capsys.readouterr().err


def test_serve_prints_urls_credentials_and_clock_then_stops_cleanly_on_ctrl_c():
    # The with block closes both pipes (and waits) however the test ends, so no file is left open.
    with subprocess.Popen(
        [sys.executable, "-m", "wa_emulator", "serve", "--port", "0", "--clock", "manual"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:
        try:
            lines = []
            for line in process.stdout:
                lines.append(line)
                if line.startswith("Ctrl-C"):
                    break
            banner = "".join(lines)
            base = banner.split("listening on ")[1].split()[0]
            assert base.startswith("http://127.0.0.1:")
            assert f"{base}/mojeeb" in banner and "mk_live_" in banner and "clock    manual" in banner
            with urllib.request.urlopen(f"{base}/_emulator/health", timeout=5) as response:
                assert json.load(response)["status"] == "ok"
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
            assert "Traceback" not in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_port_in_use_is_one_line_and_exit_1(capsys):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot listen on 127.0.0.1:") and err.count("\n") == 1


def test_caps_and_loop_are_serve_options_with_clear_errors(capsys):
    from wa_emulator.cli import build_parser

    args = build_parser().parse_args(["serve", "--journal-cap", "500", "--delivery-cap", "70", "--loop", "asyncio"])
    assert (args.journal_cap, args.delivery_cap, args.loop) == (500, 70, "asyncio")
    assert main(["serve", "--journal-cap", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err
    assert main(["serve", "--delivery-cap", "lots"]) == 2
    assert "must be a whole number" in capsys.readouterr().err


def test_limits_and_grace_are_serve_options_with_clear_errors(capsys):
    from wa_emulator.cli import build_parser

    args = build_parser().parse_args(["serve", "--message-cap", "9", "--keepalive-timeout", "2.5",
                                      "--header-timeout", "1", "--shutdown-grace", "0.5"])
    assert (args.message_cap, args.keepalive_timeout, args.header_timeout, args.shutdown_grace) == (9, 2.5, 1.0, 0.5)
    defaults = build_parser().parse_args(["serve"])
    assert (defaults.message_cap, defaults.keepalive_timeout, defaults.header_timeout,
            defaults.shutdown_grace) == (100_000, 15.0, 10.0, 5.0)
    for flag, value in [("--shutdown-grace", "0"), ("--header-timeout", "soon"), ("--keepalive-timeout", "nan")]:
        assert main(["serve", flag, value]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and flag in err and err.count("\n") == 1
