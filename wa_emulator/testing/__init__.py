"""The test kit: the emulator in-process and on a thread, a webhook sink, and the pytest plugin.

>>> from wa_emulator.testing import Emulator, ThreadedEmulator, WebhookSink
"""

from .emulator import Emulator
from .sink import WebhookSink
from .threaded import ThreadedEmulator

__all__ = ["Emulator", "ThreadedEmulator", "WebhookSink"]
