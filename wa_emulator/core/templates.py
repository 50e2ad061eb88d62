"""Message templates per organization, and the check Meta makes when one is sent.

A template is what a business had approved by Meta: a name, a language, a category, a review
status and components (header, body, footer, buttons) whose text holds ``{{placeholders}}``,
positional (``{{1}}``) or named (``{{customer_name}}``). Every provider lists its organization's
templates and checks a send against them; *how* it reports a failed check (an error answer at
once, or a ``failed`` status later) is the provider's business. The check itself is Meta's
(https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes):

* 132001: no template of that name in that language, or one that is not approved (pending, rejected);
* 132015: the template is paused; 132016: it is disabled;
* 132000: the number of parameters does not match the template's placeholders;
* 132012: a parameter's format does not match (a media header sent without its media, say).

>>> registry = Templates()
>>> _ = registry.put("org", template_from_json({"name": "order_shipped", "language": "en",
...     "components": [{"type": "BODY", "text": "Hi {{1}}, order {{2}} has shipped."}]}))
>>> registry.check("org", TemplateUse("order_shipped", "en", body=["Sara", "A-42"]))
>>> registry.check("org", TemplateUse("order_shipped", "en", body=["Sara"]))
132000
>>> registry.check("org", TemplateUse("order_shiped", "en"))
132001
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from .models import Message
from .rules import Step
from .status import Status
from .world import StateKey, World

__all__ = ["TEMPLATES", "Button", "Component", "Template", "TemplateError", "TemplateStatus", "TemplateUse",
           "Templates", "seeder", "template_from_json"]

PARAM_COUNT_MISMATCH = 132000
TEMPLATE_MISSING = 132001
PARAM_FORMAT_MISMATCH = 132012
TEMPLATE_PAUSED = 132015
TEMPLATE_DISABLED = 132016

NAME = re.compile(r"[a-z0-9_]{1,512}")
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2,4})?")
_PLACEHOLDER = re.compile(r"{{\s*([A-Za-z0-9_]+)\s*}}")

CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION")
COMPONENT_TYPES = ("HEADER", "BODY", "FOOTER", "BUTTONS")
HEADER_FORMATS = ("TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION")
MEDIA_FORMATS = frozenset({"IMAGE", "VIDEO", "DOCUMENT"})
BUTTON_TYPES = ("QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE")


class TemplateStatus(StrEnum):
    """Meta's review states of a template (lowercase here; providers word them their own way)."""

    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"
    PAUSED = "paused"
    DISABLED = "disabled"


def placeholders(text: str | None) -> tuple[str, ...]:
    """The distinct placeholder names in ``text``, in order of first use.

    >>> placeholders("Hi {{1}}, {{ 2 }} and {{1}} again; {{name}}")
    ('1', '2', 'name')
    """
    seen: dict[str, None] = {}
    for found in _PLACEHOLDER.findall(text or ""):
        seen.setdefault(found, None)
    return tuple(seen)


@dataclass(frozen=True, slots=True)
class Button:
    """One button of a BUTTONS component; only a URL button's ``url`` may hold a placeholder."""

    type: str
    text: str
    url: str | None = None
    phone_number: str | None = None
    placeholders: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The URL's placeholders, read once: listings and send checks ask for them often."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "placeholders", placeholders(self.url))  # a frozen dataclass's derived field

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "text": self.text}
        if self.url is not None:
            data["url"] = self.url
        if self.phone_number is not None:
            data["phone_number"] = self.phone_number
        return data


@dataclass(frozen=True, slots=True)
class Component:
    """A HEADER (with its ``format``), BODY, FOOTER or BUTTONS component."""

    type: str
    text: str | None = None
    format: str | None = None
    buttons: tuple[Button, ...] = ()
    placeholders: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The text's placeholders, read once: listings and send checks ask for them often."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "placeholders", placeholders(self.text))  # a frozen dataclass's derived field

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type}
        if self.format is not None:
            data["format"] = self.format
        if self.text is not None:
            data["text"] = self.text
        if self.buttons:
            data["buttons"] = [button.to_json() for button in self.buttons]
        data["placeholders"] = list(self.placeholders)
        return data


@dataclass(frozen=True, slots=True)
class Needs:
    """What a send of a template must supply: the placeholders of its body, header and buttons."""

    body: tuple[str, ...]
    header: tuple[str, ...]
    media_header: bool
    buttons: Mapping[int, tuple[str, ...]]
    """Placeholders by button index, for the buttons that have any."""


@dataclass(frozen=True, slots=True)
class Template:
    """One template in one language, as Meta approved (or did not approve) it."""

    name: str
    language: str
    category: str = "UTILITY"
    status: TemplateStatus = TemplateStatus.APPROVED
    components: tuple[Component, ...] = ()
    id: str = ""
    number: int = 0
    """The registry's serial number (a provider whose template ids are integers shows it)."""
    needs: Needs = field(init=False, repr=False, compare=False)
    """Read off the components once: every send of the template is checked against it."""

    def __post_init__(self) -> None:
        body, header = self.component("BODY"), self.component("HEADER")
        needs = Needs(body=body.placeholders if body else (), header=header.placeholders if header else (),
                      media_header=header is not None and header.format in MEDIA_FORMATS,
                      buttons={i: b.placeholders for i, b in enumerate(self.buttons) if b.placeholders})
        object.__setattr__(self, "needs", needs)  # a frozen dataclass sets its derived fields this way

    def component(self, kind: str) -> Component | None:
        return next((c for c in self.components if c.type == kind), None)

    @property
    def buttons(self) -> tuple[Button, ...]:
        found = self.component("BUTTONS")
        return found.buttons if found is not None else ()

    def to_json(self) -> dict[str, Any]:
        """The control API's view of the template (providers render their own)."""
        return {"id": self.id, "name": self.name, "language": self.language, "category": self.category,
                "status": self.status.value, "components": [c.to_json() for c in self.components]}


Params = Sequence[str] | Mapping[str, str]


@dataclass(frozen=True, slots=True)
class TemplateUse:
    """What a send asks of a template: positional (a list) or named (a mapping) parameters per part.

    ``header`` and ``buttons`` of None mean the provider's send has no way to carry them, so they are
    not checked; ``header_media`` is whether the send supplied media for a media header (None: not
    checked).
    """

    name: str
    language: str
    body: Params = ()
    header: Params | None = None
    header_media: bool | None = None
    buttons: Mapping[int, Params] | None = None


def _matches(wanted: tuple[str, ...], given: Params) -> bool:
    if isinstance(given, Mapping):
        return set(given) == set(wanted)
    return len(given) == len(wanted)


def meta_error(template: Template, use: TemplateUse) -> int | None:
    """The Meta error ``use`` of ``template`` ends in, or None if it is fine.

    >>> t = template_from_json({"name": "t", "language": "en", "components": [
    ...     {"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Hi {{name}}"}]})
    >>> meta_error(t, TemplateUse("t", "en", body={"name": "Sara"}, header_media=False))
    132012
    >>> meta_error(t, TemplateUse("t", "en", body={"nmae": "Sara"}, header_media=True))
    132000
    """
    if template.status is TemplateStatus.PAUSED:
        return TEMPLATE_PAUSED
    if template.status is TemplateStatus.DISABLED:
        return TEMPLATE_DISABLED
    if template.status is not TemplateStatus.APPROVED:
        return TEMPLATE_MISSING
    needs = template.needs
    if not _matches(needs.body, use.body):
        return PARAM_COUNT_MISMATCH
    if use.header is not None and not _matches(needs.header, use.header):
        return PARAM_COUNT_MISMATCH
    if use.header_media is not None and use.header_media != needs.media_header:
        return PARAM_FORMAT_MISMATCH
    if use.buttons is not None:
        wanted = needs.buttons
        if set(use.buttons) != set(wanted) or any(not _matches(wanted[i], p) for i, p in use.buttons.items()):
            return PARAM_COUNT_MISMATCH
    return None


class Templates:
    """Every organization's templates, by (name, language); ids are given in order of addition.

    >>> registry = Templates()
    >>> registry.put("org", Template("hello_world", "en_US")).id
    'tpl_1'
    >>> [t.name for t in registry.of("org")], registry.remove("org", "hello_world"), registry.of("org")
    (['hello_world'], 1, [])
    """

    def __init__(self) -> None:
        self._by_org: dict[str, dict[tuple[str, str], Template]] = {}
        self._issued = 0

    def put(self, org_id: str, template: Template) -> Template:
        """Add ``template`` to ``org_id``'s, replacing one of the same name and language (keeping its id)."""
        templates = self._by_org.setdefault(org_id, {})
        old = templates.get((template.name, template.language))
        if old is not None:
            template_id, number = old.id, old.number
        else:
            self._issued += 1
            template_id, number = template.id or f"tpl_{self._issued}", self._issued
        stored = replace(template, id=template_id, number=number)
        templates[(template.name, template.language)] = stored
        return stored

    def of(self, org_id: str) -> list[Template]:
        return list(self._by_org.get(org_id, {}).values())

    def find(self, org_id: str, name: str, language: str) -> Template | None:
        return self._by_org.get(org_id, {}).get((name, language))

    def remove(self, org_id: str, name: str, language: str | None = None) -> int:
        """Remove ``name`` in ``language`` (None: in every language); how many were removed."""
        templates = self._by_org.get(org_id, {})
        gone = [key for key in templates if key[0] == name and (language is None or key[1] == language)]
        for key in gone:
            del templates[key]
        return len(gone)

    def check(self, org_id: str, use: TemplateUse) -> int | None:
        """The Meta error a send of ``use`` from ``org_id`` ends in, or None if it goes through."""
        template = self.find(org_id, use.name, use.language)
        return TEMPLATE_MISSING if template is None else meta_error(template, use)


TEMPLATES: StateKey[Templates] = StateKey("core.templates", Templates)
"""The world's template registry: ``world.state(TEMPLATES)``; a reset empties it and the seeders refill it."""


def seeder(provider: str, specs: Sequence[Mapping[str, Any]]) -> Callable[[World], None]:
    """A world seeder giving every organization of ``provider`` the templates ``specs`` describe
    (``template_from_json`` shapes): ``world.add_seeder(seeder("mojeeb", SANDBOX_TEMPLATES))``."""
    templates = [template_from_json(spec) for spec in specs]

    def seed(world: World) -> None:
        registry = world.state(TEMPLATES)
        for org in world.tenants.orgs_of(provider):
            for template in templates:
                registry.put(org.id, template)

    return seed


class TemplateError(ValueError):
    """A template definition that cannot be used: ``field`` is the dotted path of the bad value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


_TEMPLATE_FIELDS = ("name", "language", "category", "status", "components", "id")
_COMPONENT_FIELDS = ("type", "text", "format", "buttons")
_BUTTON_FIELDS = ("type", "text", "url", "phone_number")


def _object(value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TemplateError(where or "template", "must be an object")
    for name in value:
        if name not in allowed:
            raise TemplateError(f"{where}.{name}" if where else str(name),
                                f"is not a template field (known: {', '.join(allowed)})")
    return value


def _string(data: dict[str, Any], name: str, where: str, *, required: bool = False,
            pattern: re.Pattern[str] | None = None, choices: tuple[str, ...] = (), upper: bool = False) -> str | None:
    path = f"{where}.{name}" if where else name
    value = data.get(name)
    if value is None:
        if required:
            raise TemplateError(path, "is required")
        return None
    if not isinstance(value, str) or not value:
        raise TemplateError(path, "must be a non-empty string")
    if upper:
        value = value.upper()
    if pattern is not None and not pattern.fullmatch(value):
        raise TemplateError(path, f"{value!r} is not valid (expected {pattern.pattern})")
    if choices and value not in choices:
        raise TemplateError(path, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _button(value: Any, where: str) -> Button:
    data = _object(value, where, _BUTTON_FIELDS)
    return Button(
        type=_string(data, "type", where, required=True, choices=BUTTON_TYPES, upper=True) or "",
        text=_string(data, "text", where, required=True) or "",
        url=_string(data, "url", where),
        phone_number=_string(data, "phone_number", where),
    )


def _component(value: Any, where: str) -> Component:
    data = _object(value, where, _COMPONENT_FIELDS)
    kind = _string(data, "type", where, required=True, choices=COMPONENT_TYPES, upper=True)
    fmt = _string(data, "format", where, choices=HEADER_FORMATS, upper=True)
    if fmt is not None and kind != "HEADER":
        raise TemplateError(f"{where}.format", "only a HEADER has a format")
    if kind == "HEADER" and fmt is None:
        fmt = "TEXT"
    text = _string(data, "text", where, required=kind in ("BODY", "FOOTER") or fmt == "TEXT")
    raw_buttons = data.get("buttons")
    if raw_buttons is not None and kind != "BUTTONS":
        raise TemplateError(f"{where}.buttons", "only a BUTTONS component has buttons")
    if kind == "BUTTONS" and (not isinstance(raw_buttons, list) or not raw_buttons):
        raise TemplateError(f"{where}.buttons", "must be a non-empty array of buttons")
    buttons = tuple(_button(b, f"{where}.buttons[{i}]") for i, b in enumerate(raw_buttons or []))
    return Component(kind or "", text, fmt, buttons)


def template_from_json(value: Any, where: str = "") -> Template:
    """A Template from its JSON (the control API's and the scenario file's shape); TemplateError if unusable.

    >>> template_from_json({"name": "hi", "language": "en", "status": "paused"}).status.value
    'paused'
    >>> template_from_json({"name": "hi", "language": "en", "colour": "red"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    wa_emulator.core.templates.TemplateError: colour: is not a template field (known: name, ...)
    """
    data = _object(value, where, _TEMPLATE_FIELDS)
    name = _string(data, "name", where, required=True, pattern=NAME) or ""
    language = _string(data, "language", where, required=True, pattern=LANGUAGE) or ""
    category = _string(data, "category", where, choices=CATEGORIES, upper=True) or "UTILITY"
    status = _string(data, "status", where, choices=tuple(s.value for s in TemplateStatus)) or "approved"
    raw = data.get("components", [])
    prefix = f"{where}.components" if where else "components"
    if not isinstance(raw, list):
        raise TemplateError(prefix, "must be an array of components")
    components = tuple(_component(c, f"{prefix}[{i}]") for i, c in enumerate(raw))
    kinds = [c.type for c in components]
    for kind in COMPONENT_TYPES:
        if kinds.count(kind) > 1:
            raise TemplateError(prefix, f"a template has at most one {kind}")
    template_id = _string(data, "id", where) or ""
    return Template(name, language, category, TemplateStatus(status), components, template_id)


REFUSAL_DELAY = 1.0
"""How long after it was accepted a send that Meta refuses ends in ``failed`` (designed)."""


def fail_after_acceptance(world: World, message: Message, code: int, delay: float = REFUSAL_DELAY) -> Message:
    """Store ``message`` as accepted (queued), then fail it with Meta's ``code`` ``delay`` seconds later.

    What a provider does with a send Meta refuses before delivering anything (an unknown template,
    say): the provider has already answered, so the client learns it from the status.
    """
    world.store.add(message)
    step = Step(delay, Status.FAILED, error=code)
    world.clock.call_later(delay, lambda: world.lifecycle.apply(message, step), label=f"{message.id}:refused")
    return message
