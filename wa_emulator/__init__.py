"""wa-emulator: one local server that plays Mojeeb, Wazapin and Qlara's WhatsApp APIs."""

__version__ = "0.1.0"
