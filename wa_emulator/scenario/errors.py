"""The one exception scenario loading raises, and how it reads to a user."""

from __future__ import annotations

from collections.abc import Sequence


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str()`` is one line a user can act on.

    >>> str(ScenarioError("x.yaml", 3, 7, "timelines[0].steps[1].after", "expected a duration, got 'soon'"))
    "x.yaml:3:7: timelines[0].steps[1].after: expected a duration, got 'soon'"
    """

    def __init__(self, file: str, line: int | None, column: int | None, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        where = file if line is None else f"{file}:{line}:{column}"
        super().__init__(f"{where}: {field}: {message}")

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "field": self.field,
                "message": self.message, "text": str(self)}


def field_name(path: Sequence[str | int]) -> str:
    """A JSON path as a user writes it.

    >>> field_name(["timelines", 0, "steps", 1, "after"]), field_name([])
    ('timelines[0].steps[1].after', '(top level)')
    """
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"
