"""Every inbound kind, with the fields a customer's message of that kind carries, and how each provider shows it."""

from __future__ import annotations

from typing import Any

CUSTOMER = "+393401234567"

# kind -> (the control API's fields, Wazapin's record content (media_url aside), Qlara's event content)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "image": ({"caption": "Damaged parcel"},
              {"caption": "Damaged parcel", "mime_type": "image/png"},
              {"type": "IMAGE", "caption": "Damaged parcel", "mimeType": "image/png"}),
    "document": ({"caption": "Invoice", "filename": "invoice-42.pdf"},
                 {"caption": "Invoice", "mime_type": "application/pdf", "file_name": "invoice-42.pdf"},
                 {"type": "DOCUMENT", "caption": "Invoice", "mimeType": "application/pdf",
                  "fileName": "invoice-42.pdf"}),
    "audio": ({"caption": "Voice note"},
              {"caption": "Voice note", "mime_type": "audio/wav"},
              {"type": "AUDIO", "caption": "Voice note", "mimeType": "audio/wav"}),
    "location": ({"latitude": 45.4642, "longitude": 9.19, "name": "Duomo", "address": "Piazza del Duomo, Milano"},
                 {"latitude": 45.4642, "longitude": 9.19, "name": "Duomo", "address": "Piazza del Duomo, Milano"},
                 {"type": "LOCATION", "latitude": 45.4642, "longitude": 9.19, "name": "Duomo",
                  "address": "Piazza del Duomo, Milano"}),
    "contact": ({"name": "Sara Rossi", "phone": "+393331234567", "organization": "Rossi SRL"},
                {"full_name": "Sara Rossi", "phone": "+393331234567", "organization": "Rossi SRL"},
                {"type": "CONTACT", "name": "Sara Rossi", "phone": "+393331234567", "organization": "Rossi SRL"}),
    "button_reply": ({"reply_id": "confirm_yes", "title": "Yes, I confirm"},
                     {"interactive": {"type": "button_reply",
                                      "button_reply": {"id": "confirm_yes", "title": "Yes, I confirm"}}},
                     {"type": "BUTTON_REPLY", "id": "confirm_yes", "title": "Yes, I confirm"}),
    "list_reply": ({"reply_id": "slot_9", "title": "Tomorrow 9:00", "description": "Morning slot"},
                   {"interactive": {"type": "list_reply",
                                    "list_reply": {"id": "slot_9", "title": "Tomorrow 9:00",
                                                   "description": "Morning slot"}}},
                   {"type": "LIST_REPLY", "id": "slot_9", "title": "Tomorrow 9:00", "description": "Morning slot"}),
    "reaction": ({"message_id": "0f89b0f9-74b4-44f9-b9b6-48f6d4de57aa", "emoji": "👍"},
                 {"message_id": "0f89b0f9-74b4-44f9-b9b6-48f6d4de57aa", "reaction": "👍"},
                 {"type": "REACTION", "messageId": "0f89b0f9-74b4-44f9-b9b6-48f6d4de57aa", "emoji": "👍"}),
}
MEDIA = {"image": b"\x89PNG\r\n\x1a\n", "document": b"%PDF-", "audio": b"RIFF"}
