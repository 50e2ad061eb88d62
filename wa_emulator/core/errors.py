"""The error catalog, keyed by Meta's WhatsApp error codes.

Providers render an entry in their own words and shapes; the core only decides
*which* error happened. Sources for the meanings:
https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CatalogError:
    """One known failure: Meta's code, its short title and a human explanation."""

    code: int
    title: str
    details: str


_ENTRIES = (
    CatalogError(131047, "Re-engagement message",
                 "More than 24 hours have passed since the recipient last replied; send a template instead."),
    CatalogError(131026, "Message undeliverable",
                 "The recipient is not on WhatsApp, has not accepted the terms, uses an old app "
                 "or blocked the business."),
    CatalogError(131049, "Message not delivered to maintain healthy ecosystem engagement",
                 "Meta chose not to deliver this message."),
    CatalogError(131050, "User stopped receiving marketing messages",
                 "The recipient opted out of marketing messages from this business."),
    CatalogError(131048, "Spam rate limit hit", "Too many previous messages were blocked or flagged as spam."),
    CatalogError(131056, "(Business Account, Consumer Account) pair rate limit hit",
                 "Too many messages to the same recipient in a short time."),
    CatalogError(130429, "Rate limit hit", "Cloud API message throughput has been reached."),
    CatalogError(131042, "Business eligibility payment issue", "There was an error related to the payment method."),
    CatalogError(131031, "Account has been locked", "The business account was locked for a policy violation."),
    CatalogError(131051, "Unsupported message type", "The message type is not supported."),
    CatalogError(131052, "Media download error", "The media sent by the user could not be downloaded."),
    CatalogError(131053, "Media upload error", "The media could not be uploaded."),
    CatalogError(131008, "Required parameter is missing", "The request is missing a required parameter."),
    CatalogError(131009, "Parameter value is not valid", "A parameter value is not valid."),
    CatalogError(132000, "Number of parameters does not match the expected number of params",
                 "The template parameters do not match the template."),
    CatalogError(132001, "Template does not exist",
                 "The template does not exist in this language or has not been approved."),
    CatalogError(132012, "Parameter format does not match format in the created template",
                 "A template parameter has the wrong format."),
    CatalogError(132015, "Template is paused", "The template was paused for low quality."),
    CatalogError(132016, "Template is disabled", "The template was disabled for low quality."),
    CatalogError(131000, "Something went wrong", "The message failed for an unknown reason."),
)

CATALOG: dict[int, CatalogError] = {entry.code: entry for entry in _ENTRIES}

WINDOW_CLOSED = 131047
UNDELIVERABLE = 131026
GENERIC_FAILURE = 131000


def lookup(code: int) -> CatalogError:
    """The catalog entry for ``code``; unknown codes get a generic entry naming the code.

    >>> lookup(131047).title
    'Re-engagement message'
    """
    return CATALOG.get(code) or CatalogError(code, "Message failed", f"The message failed with error {code}.")
