"""The account's address book: ``/partner-gateway/v1/contacts``.

https://agiletelecom.com/documentation/qlara/api/add-contact: ``POST`` creates a contact; at least a phone
number (E.164) or an email; optional ``firstName``, ``lastName``, ``gender``; 201 with the contact and its
generated id; 400 for a missing or invalid field.
https://agiletelecom.com/documentation/qlara/it/api/find-contact: ``GET`` searches them: ``search``
(case-insensitive, on the name and other text), ``phoneNumber`` and ``email`` (exact), ``page`` 0-based,
``limit`` default 10 (at most 1000), ``sortBy`` (default ``fullName``), ``sortOrder`` asc or desc.
UC-007-manage-contacts-lists lists PUT and DELETE too; one contact's path, ``/contacts/{contactId}``, is designed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ...core.timefmt import iso_ms
from ...core.world import StateKey
from ...web import keys
from ...web.http import ApiError, json_response, read_json_object, whole_number
from .auth import CALLER
from .parse import PLAUSIBLE_E164, bad_request, optional_bool, optional_string, query_whole

GENDERS = ("MALE", "FEMALE", "OTHER")  # designed: the page names the field, not its values
SORT_FIELDS = ("fullName", "firstName", "lastName", "phoneNumber", "email", "createdAt")
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
MAX_NAME = 100
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{1,63}")


@dataclass
class Contacts:
    """Each account's contacts, by id, and the next id to give."""

    by_org: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    next_id: int = 1


CONTACTS = StateKey("qlara.contacts", Contacts)


def not_found(contact_id: str) -> ApiError:
    return ApiError(404, "contact_not_found", f"No contact {contact_id} in this account.")


def parse_contact(body: dict[str, Any]) -> dict[str, Any]:
    """A contact's fields, validated (at least ``phoneNumber`` or ``email``)."""
    phone = body.get("phoneNumber")
    if phone is not None and (not isinstance(phone, str) or not PLAUSIBLE_E164.fullmatch(phone)):
        raise bad_request("'phoneNumber' must be a phone number in E.164 format, e.g. +393331234567.", "phoneNumber")
    email = body.get("email")
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
        raise bad_request("'email' must be an email address.", "email")
    if phone is None and email is None:
        raise bad_request("A contact needs at least a 'phoneNumber' or an 'email'.", "phoneNumber")
    gender = body.get("gender")
    if gender is not None and gender not in GENDERS:
        raise bad_request(f"'gender' must be one of {', '.join(GENDERS)}.", "gender")
    first = optional_string(body, "firstName", MAX_NAME)
    last = optional_string(body, "lastName", MAX_NAME)
    full = " ".join(part for part in (first, last) if part) or None
    return {"phoneNumber": phone, "email": email, "firstName": first, "lastName": last, "fullName": full,
            "gender": gender, "isTest": optional_bool(body, "isTest", False)}


def view(contact: dict[str, Any]) -> dict[str, Any]:
    """A contact as the API answers it (times in ISO 8601)."""
    return {**contact, "createdAt": iso_ms(contact["createdAt"]), "updatedAt": iso_ms(contact["updatedAt"])}


async def create_contact(request: web.Request) -> web.Response:
    """``POST /partner-gateway/v1/contacts``: 201 with the new contact."""
    fields = parse_contact(await read_json_object(request))
    world = request.app[keys.world]
    book, now = world.state(CONTACTS), world.clock.now()
    contact = {"id": book.next_id, **fields, "createdAt": now, "updatedAt": now}
    book.next_id += 1
    book.by_org.setdefault(request[CALLER].org.id, {})[contact["id"]] = contact
    return json_response(view(contact), status=201)


async def find_contacts(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/contacts``: the account's contacts, filtered, sorted and paged (a JSON array)."""
    query = request.query
    page = query_whole(query, "page", 0, 1_000_000, default=0)
    limit = query_whole(query, "limit", 1, MAX_LIMIT, default=DEFAULT_LIMIT)
    sort_by, order = query.get("sortBy", "fullName"), query.get("sortOrder", "asc")
    if sort_by not in SORT_FIELDS:
        raise bad_request(f"Query parameter 'sortBy' must be one of {', '.join(SORT_FIELDS)}.", "sortBy")
    if order not in ("asc", "desc"):
        raise bad_request("Query parameter 'sortOrder' must be asc or desc.", "sortOrder")
    search = query.get("search", "").casefold()
    contacts = request.app[keys.world].state(CONTACTS).by_org.get(request[CALLER].org.id, {}).values()
    found = [c for c in contacts
             if (not search or any(search in str(c[f] or "").casefold() for f in ("fullName", "email", "phoneNumber")))
             and query.get("phoneNumber", c["phoneNumber"]) == c["phoneNumber"]
             and query.get("email", c["email"]) == c["email"]]
    # Missing values come last either way; the id keeps equal values in a stable order.
    present = sorted((c for c in found if c[sort_by] is not None), key=lambda c: (c[sort_by], c["id"]),
                     reverse=order == "desc")
    found = present + [c for c in found if c[sort_by] is None]
    return json_response([view(c) for c in found[page * limit:(page + 1) * limit]])


def _own(request: web.Request) -> tuple[dict[int, dict[str, Any]], int]:
    raw = request.match_info["contactId"]
    book = request.app[keys.world].state(CONTACTS).by_org.get(request[CALLER].org.id, {})
    contact_id = whole_number(raw, 0, sys.maxsize)
    if contact_id is None or contact_id not in book:
        raise not_found(raw)
    return book, contact_id


async def get_contact(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/contacts/{contactId}``: 404 when not this account's."""
    book, contact_id = _own(request)
    return json_response(view(book[contact_id]))


async def update_contact(request: web.Request) -> web.Response:
    """``PUT /partner-gateway/v1/contacts/{contactId}``: replace its fields, keep its id and creation time."""
    book, contact_id = _own(request)
    fields = parse_contact(await read_json_object(request))
    old = book[contact_id]
    book[contact_id] = {"id": contact_id, **fields, "createdAt": old["createdAt"],
                        "updatedAt": request.app[keys.world].clock.now()}
    return json_response(view(book[contact_id]))


async def delete_contact(request: web.Request) -> web.Response:
    """``DELETE /partner-gateway/v1/contacts/{contactId}``: 204."""
    book, contact_id = _own(request)
    del book[contact_id]
    return web.Response(status=204)
