"""The dashboard at ``/_emulator/ui/``: a page served from the package, live over server-sent events."""

from .pages import end_streams, mount

__all__ = ["end_streams", "mount"]
