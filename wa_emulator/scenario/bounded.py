"""Limits on scenario text, checked before anything is built from it.

A scenario is read twice over: once into data, once as a node tree walked for positions, and
the schema and the semantic checks walk the data again. YAML aliases share one node among many
places, so a few hundred bytes can name billions of values (an "alias bomb"); every one of those
walks would visit them all. The composer here counts each value as often as aliases repeat it
and stops the moment the count passes ``MAX_VALUES``, before any walk or construction starts.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent

MAX_SCENARIO_BYTES = 1024 * 1024
"""The largest scenario text or file read (the bundled ones are a few KiB)."""

MAX_VALUES = 50_000
"""The most values (mappings, lists, scalars and keys) a scenario may hold once aliases expand."""


class LimitError(ComposerError):
    """A document refused by ``BoundedComposer`` (a MarkedYAMLError, so it has a position)."""


class BoundedComposer(yaml.composer.Composer):
    """A composer that refuses a document whose expanded size passes ``MAX_VALUES``.

    Mix it in ahead of a loader: ``class Loader(BoundedComposer, yaml.SafeLoader)``. The count
    runs as the text is read (an alias adds the whole size of what it names), so a long flat
    list is stopped at the limit too, not after it has all been read.
    """

    _count: int
    _sizes: dict[yaml.Node, int]  # the expanded size of every anchored node, for its aliases

    def compose_document(self) -> Any:
        self._count, self._sizes = 0, {}
        try:
            return super().compose_document()
        finally:
            self._sizes = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        before = self._count
        node = super().compose_node(parent, index)
        if isinstance(event, AliasEvent):
            size = self._sizes.get(node)
            if size is None:  # the anchor is still being read: the alias sits inside what it names
                raise LimitError(None, None, f"the alias *{event.anchor} refers to a list or mapping "
                                    "that contains it", event.start_mark)
            self._count += size
        else:
            self._count += 1
            if getattr(event, "anchor", None) is not None:
                self._sizes[node] = self._count - before
        if self._count > MAX_VALUES:
            what = f"the alias *{event.anchor}" if isinstance(event, AliasEvent) else "the document"
            raise LimitError(None, None, f"{what} makes the scenario more than {MAX_VALUES:,} values "
                                "(an alias counts everything it names, each time it is used)", event.start_mark)
        return node


def too_large(text: str) -> bool:
    """Whether ``text`` is more than ``MAX_SCENARIO_BYTES`` once encoded.

    >>> too_large("version: 1\\n"), too_large("x" * (MAX_SCENARIO_BYTES + 1))
    (False, True)
    """
    return len(text) > MAX_SCENARIO_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_SCENARIO_BYTES


def line_and_column(text: str, position: int) -> tuple[int, int]:
    """The 1-based line and column of character ``position`` in ``text``.

    >>> line_and_column("ab\\ncd", 4)
    (2, 2)
    """
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


def unreadable_character(error: yaml.reader.ReaderError) -> str:
    """What a ReaderError means, in words (the character by its code, never the text around it).

    >>> unreadable_character(yaml.reader.ReaderError("x", 0, 0, "unicode", "special characters are not allowed"))
    'the control character U+0000 is not allowed in YAML (write it as "\\\\x00" inside double quotes)'
    """
    code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "\0")
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return f'the control character U+{code:04X} is not allowed in YAML (write it as "{escape}" inside double quotes)'
