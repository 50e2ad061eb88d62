"""Reading scenario files: regular files only, never more than ``MAX_SCENARIO_BYTES``.

A path named by the operator (``serve --scenario FILE``, ``validate FILE``, the Python API) is
read as given. A path sent to the control API is read only from the directories the server was
started with (``--scenario-dir``): resolved first, so neither ``..`` nor a symlink leads out,
and anything else gets one message that says nothing about what exists outside them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from .bounded import MAX_SCENARIO_BYTES
from .errors import ScenarioError

SUFFIXES = (".yaml", ".yml", ".json")
NOT_ALLOWED = "not in the bundled library or a --scenario-dir"

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the server
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def read_file(path: Path, shown: str, follow_links: bool = True) -> str:
    """The UTF-8 text of the regular file at ``path``; errors name it as ``shown`` and never
    quote what it holds.

    >>> read_file(Path("/dev/null"), "/dev/null")
    Traceback (most recent call last):
    wa_emulator.scenario.errors.ScenarioError: /dev/null: (file): not a regular file
    """
    flags = _OPEN_FLAGS | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ScenarioError(shown, None, None, "(file)", "no such file") from None
    except (OSError, ValueError) as exc:
        raise ScenarioError(shown, None, None, "(file)", f"cannot be read: {_reason(exc)}") from None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(shown, None, None, "(file)", "not a regular file")
        try:
            data = file.read(MAX_SCENARIO_BYTES + 1)
        except OSError as exc:
            raise ScenarioError(shown, None, None, "(file)", f"cannot be read: {_reason(exc)}") from None
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(shown, None, None, "(file)",
                            f"larger than the {MAX_SCENARIO_BYTES // 1024 // 1024} MiB a scenario may be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(shown, None, None, "(file)", f"not UTF-8 text (byte {exc.start + 1})") from None


def find_in(ref: str, directories: Sequence[Path]) -> Path:
    """The regular scenario file ``ref`` names inside one of ``directories`` (tried in order);
    ``ref`` is relative to a directory, or absolute and inside one.

    >>> find_in("/etc/passwd.yaml", [Path("/tmp")])
    Traceback (most recent call last):
    wa_emulator.scenario.errors.ScenarioError: <request body>: path: not in the bundled library or a --scenario-dir
    """
    if ref.endswith(SUFFIXES):
        for directory in directories:
            found = _inside(directory, ref)
            if found is not None:
                return found
    hint = ("" if ref.endswith(SUFFIXES) else f" (a scenario file's name ends in {', '.join(SUFFIXES)})") + (
        "" if directories else " (this server was started without --scenario-dir)")
    raise ScenarioError("<request body>", None, None, "path", NOT_ALLOWED + hint)


def _inside(directory: Path, ref: str) -> Path | None:
    try:
        root = directory.resolve(strict=True)
        target = (root / ref).resolve(strict=True)
        if target.is_relative_to(root) and stat.S_ISREG(target.stat().st_mode):
            return target
    except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, a NUL in the name
        pass
    return None


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
