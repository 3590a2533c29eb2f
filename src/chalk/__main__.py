"""``python -m chalk``."""

from .cli import run

run()
