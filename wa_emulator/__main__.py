"""``python -m wa_emulator`` is the same as the ``wa-emulator`` command."""

import sys

from .cli import main

sys.exit(main())
