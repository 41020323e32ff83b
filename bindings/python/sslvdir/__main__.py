"""python3 -m sslvdir: the sslvdir command, for administrators without the C tools."""

import sys

from .cli import main

sys.exit(main())
