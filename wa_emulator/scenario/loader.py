"""Reading scenario text: YAML with positions, then the JSON Schema, then the meaning.

Every problem becomes a ``ScenarioError`` naming file, line, column and field and saying what
was expected. Positions come from the YAML node tree, walked beside the loaded data, so an
error found by the schema or by the semantic checks still points at the right place.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..resources import resource_root
from .bounded import MAX_SCENARIO_BYTES, BoundedComposer, LimitError, line_and_column, too_large, unreadable_character
from .convert import Marks, Position, build
from .errors import ScenarioError, field_name
from .files import SUFFIXES, find_in, read_file
from .model import Scenario


def load_scenario(ref: str | Path) -> Scenario:
    """A bundled scenario by name, or a scenario file by path.

    >>> load_scenario("sandbox").name
    'sandbox'
    """
    text, source = _read(ref)
    return load_text(text, source)


def load_bundled(name: str) -> Scenario:
    """A bundled scenario by name, and nothing else (no file is read whatever ``name`` is).

    >>> try:
    ...     load_bundled("../etc/passwd")
    ... except ScenarioError as exc:
    ...     print(exc.field, exc.message.split(" (")[0])
    name no bundled scenario by that name
    """
    entry = _bundled_entry(name)
    if entry is None:
        names = ", ".join(found for found, _ in bundled())
        raise ScenarioError("<request body>", None, None, "name",
                            f"no bundled scenario by that name (bundled: {names})")
    return load_text(entry.read_text(encoding="utf-8"), f"{name}.yaml")


def load_from(ref: str, directories: Sequence[Path]) -> Scenario:
    """A scenario file inside one of ``directories`` (the server's ``--scenario-dir``s), and only there.

    >>> load_from("/etc/passwd.yaml", [Path("/tmp")])
    Traceback (most recent call last):
    wa_emulator.scenario.errors.ScenarioError: <request body>: path: not in the bundled library or a --scenario-dir
    """
    return load_text(read_file(find_in(ref, directories), ref, follow_links=False), ref)


def load_text(text: str, source: str = "<inline>") -> Scenario:
    r"""A scenario from YAML (or JSON, which is YAML too) text; ``source`` names it in errors.

    >>> load_text("version: 1\nname: tiny\nseed: 7\n").seed
    7
    """
    data, marks = _parse(text, source)
    check_schema(data, marks, source)
    return build(data, marks)


def _parse(text: str, source: str) -> tuple[Any, Marks]:
    if too_large(text):
        raise ScenarioError(source, None, None, "(file)",
                            f"larger than the {MAX_SCENARIO_BYTES // 1024 // 1024} MiB a scenario may be")
    return parse_yaml(text, source)


@dataclass
class Checked:
    """What ``check_file`` found: the scenario (None if it has errors), every error, and the parsed
    document with its positions (None when it could not be read) for checks of the caller's own."""

    scenario: Scenario | None
    errors: list[ScenarioError]
    data: Any = None
    marks: Marks | None = None


def check_file(ref: str | Path) -> Checked:
    """Every error in a scenario file that one reading finds: a syntax error; else every schema
    violation, in document order; else the first thing the schema cannot say (an unknown template…).

    >>> [str(e) for e in check_file("sandbox").errors]
    []
    """
    try:
        text, source = _read(ref)
        data, marks = _parse(text, source)
    except ScenarioError as exc:
        return Checked(None, [exc])
    errors = schema_errors(data, marks, source)
    if errors:
        return Checked(None, errors, data, marks)
    try:
        return Checked(build(data, marks), [], data, marks)
    except ScenarioError as exc:
        return Checked(None, [exc], data, marks)


def bundled() -> list[tuple[str, str]]:
    """Every bundled scenario as (name, description), sorted by name.

    >>> [name for name, _ in bundled()][:2]
    ['dropped-webhook', 'duplicate-webhooks']
    """
    root = resource_root("scenarios")
    found = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            scenario = load_text(entry.read_text(encoding="utf-8"), entry.name)
            found.append((scenario.name, scenario.description))
    return found


def _read(ref: str | Path) -> tuple[str, str]:
    text_ref = str(ref)
    path = Path(text_ref)
    if isinstance(ref, str):
        entry = _bundled_entry(text_ref)
        if entry is not None:
            return entry.read_text(encoding="utf-8"), f"{text_ref}.yaml"
        if "/" not in text_ref and not text_ref.endswith(SUFFIXES) and not _safely(path.exists):
            names = ", ".join(name for name, _ in bundled())
            raise ScenarioError(text_ref, None, None, "(scenario)",
                                f"no bundled scenario or file by that name (bundled: {names})")
    return read_file(path, text_ref), text_ref


def _bundled_entry(name: str) -> Traversable | None:
    if "/" in name or "\\" in name or name.startswith(".") or name.endswith(SUFFIXES):
        return None
    entry = resource_root("scenarios").joinpath(f"{name}.yaml")
    return entry if _safely(entry.is_file) else None


def _safely(test: Callable[[], bool]) -> bool:
    # A name longer than the file system allows names no file: the client's mistake, not ours.
    try:
        return test()
    except (OSError, ValueError):
        return False


# -- YAML with positions -----------------------------------------------------------------


class _Reading(BoundedComposer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe loader without its event source: it leaves times as text, so they reach the schema
    as ISO 8601 strings, and refuses documents whose aliases expand past ``bounded.MAX_VALUES``."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self) -> None:
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


class _Loader(_Reading, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """Events from PyYAML's own Python reader, scanner and parser."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)  # checks every character first: ReaderError
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Reading.__init__(self)


if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(_Reading, yaml.cyaml.CParser):
        """Events from libyaml, about five times faster; the composer and its limits stay the same."""

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            _Reading.__init__(self)

    _FAST: type[_Reading] = _FastLoader
else:
    _FAST = _Loader


def _compose(loader_class: Callable[[str], _Reading], text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_yaml(text: str, source: str) -> tuple[Any, Marks]:
    r"""The data in ``text`` and the 1-based (line, column) of every key and value by path.

    >>> data, marks = parse_yaml("name: x\nclock:\n  mode: manual\n", "x.yaml")
    >>> data["clock"], marks.at(("clock", "mode")), marks.key_at(("clock",))
    ({'mode': 'manual'}, (3, 9), (2, 1))
    """
    try:
        try:
            node, data = _compose(_FAST, text)
        except yaml.YAMLError as exc:
            if _FAST is _Loader or isinstance(exc, LimitError):
                raise
            # Read again for PyYAML's wording ("expected ',' or ']', but got '}'") and its
            # positions in characters; the same limits bound this second reading.
            node, data = _compose(_Loader, text)
    except yaml.reader.ReaderError as exc:
        line, column = line_and_column(text, exc.position)
        raise ScenarioError(source, line, column, "(syntax)", f"not valid YAML: {unreadable_character(exc)}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(part for part in (exc.context, exc.problem) if part) or "not valid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ScenarioError(source, line, column, "(syntax)", f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, None, None, "(syntax)", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise ScenarioError(source, None, None, "(syntax)", "nested too deeply to read") from None
    except ValueError as exc:
        # PyYAML's constructors raise plain ValueErrors for values that look like a number or a
        # date but cannot be one (a 5000-digit integer, 2020-13-45): still the file's mistake.
        raise ScenarioError(source, None, None, "(syntax)", f"a value YAML cannot read: {exc}") from None
    marks = Marks(source)
    if node is not None:
        _walk(node, (), marks, source)
    return data, marks


def _walk(node: yaml.Node, path: tuple[str | int, ...], marks: Marks, source: str) -> None:
    marks.values[path] = _position(node)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = _Loader("").construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                line, column = _position(key_node)
                raise ScenarioError(source, line, column, field_name([*path, str(key)]),
                                    "this key appears twice in the same mapping")
            seen.add(key if isinstance(key, str | int | float | bool) else id(key))
            child = (*path, key)
            marks.keys[child] = _position(key_node)
            _walk(value_node, child, marks, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), marks, source)


def _position(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


# -- the schema ---------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """contracts/scenario.schema.json, the single source of truth for the format."""
    return json.loads(resource_root("contracts").joinpath("scenario.schema.json").read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def check_schema(data: Any, marks: Marks, source: str) -> None:
    r"""Raise the first schema violation in document order, in plain words.

    >>> data, marks = parse_yaml("version: 1\nname: x\nseed: many\n", "x.yaml")
    >>> check_schema(data, marks, "x.yaml")
    Traceback (most recent call last):
    wa_emulator.scenario.errors.ScenarioError: x.yaml:3:7: seed: expected a whole number, got 'many'
    """
    errors = schema_errors(data, marks, source)
    if errors:
        raise errors[0]


def schema_errors(data: Any, marks: Marks, source: str) -> list[ScenarioError]:
    """Every schema violation in ``data``, in document order (``validate`` reports them all)."""
    if not isinstance(data, dict):
        got = _describe(data, quote=False)
        return [ScenarioError(source, 1, 1, "(top level)",
                              f"expected a mapping with version, name, … at the top, got {got}")]
    found = []
    for error in _validator().iter_errors(data):
        path, message, on_key = _explain(error)
        found.append((marks.key_at(path) if on_key else marks.at(path), path, message))
    unique = sorted({(position, field_name(path), message) for position, path, message in found})
    return [ScenarioError(source, line, column, field, message) for (line, column), field, message in unique]


def _explain(error: ValidationError) -> tuple[tuple[Any, ...], str, bool]:
    """The path an error is about, what was expected there, and whether to point at the key."""
    path = tuple(error.absolute_path)
    instance, rule, value = error.instance, error.validator, error.validator_value
    expected = error.schema.get("x-expected") if isinstance(error.schema, dict) else None
    text_wanted = isinstance(error.schema, dict) and error.schema.get("type") == "string"
    if rule == "required":
        missing = next(name for name in value if name not in instance)
        return (*path, missing), f"missing required field '{missing}'", False
    if rule == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted((name for name in instance if name not in allowed), key=str)[0]
        return (*path, extra), f"unknown field '{extra}' (expected one of: {', '.join(allowed)})", True
    if rule == "propertyNames" or (error.relative_schema_path and "propertyNames" in error.relative_schema_path):
        key = _bad_key(error)
        target = _property_names_schema(error)
        hint = target.get("x-expected") or "one of " + ", ".join(map(str, target.get("enum", [])))
        return (*path, key), f"expected {hint} as the key, got {_describe(key, True)}", True
    if expected and rule in ("type", "pattern", "anyOf", "const", "oneOf"):
        return path, f"expected {expected}, got {_describe(instance, text_wanted)}", False
    if rule == "enum":
        return path, f"expected one of {', '.join(map(str, value))}, got {_describe(instance)}", False
    if rule == "type":
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in ([value] if isinstance(value, str) else value))
        return path, f"expected {wanted}, got {_describe(instance, text_wanted)}", False
    if rule in _BOUNDS:
        return path, f"expected {_BOUNDS[rule].format(value)}, got {_describe(instance)}", False
    return path, error.message, False


_BOUNDS = {"minimum": "{} or more", "maximum": "{} or less", "exclusiveMinimum": "more than {}",
           "minItems": "at least {} item(s)", "minLength": "at least {} character(s)"}


def _bad_key(error: ValidationError) -> Any:
    for cause in error.context or ():
        return cause.instance
    return error.instance


def _property_names_schema(error: ValidationError) -> dict[str, Any]:
    target = error.schema.get("propertyNames", error.schema) if isinstance(error.schema, dict) else {}
    if "$ref" in target:
        target = schema()["$defs"][target["$ref"].rsplit("/", 1)[1]]
    return target


_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number",
               "number": "a number", "boolean": "true or false", "null": "null"}


_QUOTED = 40  # the most of a wrong value an error quotes: enough to find it, not a whole file


def _describe(value: Any, text_wanted: bool = False, quote: bool = True) -> str:
    """How a wrong value reads in an error, with a hint when YAML read text as a number.

    >>> _describe("x" * 50)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'… (50 characters)"
    """
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"the number {value}" + (" (put it in quotes to make it text)" if text_wanted else "")
    if isinstance(value, str):
        if not quote:
            return "text"
        return repr(value) if len(value) <= _QUOTED else f"{value[:_QUOTED]!r}… ({len(value)} characters)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
