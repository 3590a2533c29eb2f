"""``python -m chalk``."""

import sys

from .cli import main

sys.exit(main())
