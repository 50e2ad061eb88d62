"""The test kit: the emulator in-process, on a thread and remote; a webhook sink; the pytest plugin.

>>> from wa_emulator.testing import Emulator, ThreadedEmulator, RemoteEmulator, WebhookSink, emulated_sleep
"""

from .control import AsyncEmulatorControl, EmulatorControl
from .emulator import Emulator
from .errors import ControlError, ControlNotFound
from .remote import AsyncRemoteEmulator, RemoteEmulator
from .sink import WebhookSink
from .sleep import EmulatedSleep, emulated_sleep
from .stall import BlockingClientError
from .threaded import AsyncLocalEmulator, DualEmulator, ThreadedEmulator

__all__ = ["AsyncEmulatorControl", "AsyncLocalEmulator", "AsyncRemoteEmulator", "BlockingClientError",
           "ControlError", "ControlNotFound", "DualEmulator", "EmulatedSleep", "Emulator", "EmulatorControl",
           "RemoteEmulator", "ThreadedEmulator", "WebhookSink", "emulated_sleep"]
