"""The HTTP layer every API shares: the flat router, the front door, request and response helpers."""
