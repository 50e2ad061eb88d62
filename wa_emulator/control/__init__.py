"""The control API under /_emulator/: the emulator's own JSON, not a provider's."""
