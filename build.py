#!/usr/bin/env python3
"""Build this site: ``python build.py`` does what ``chalk build`` does, with the same flags.

``python build.py serve`` (or any other chalk command) works too. Runs from a
source checkout without installing, as long as the dependencies are present.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from chalk.cli import build_script_main, exit_now  # noqa: E402

if __name__ == "__main__":
    exit_now(build_script_main())
