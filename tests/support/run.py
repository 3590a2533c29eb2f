"""The real CLI in a subprocess: ``python -m chalk ...`` and ``python build.py ...``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Mapping

from .sites import SRC


def chalk_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a chalk subprocess: ``src/`` importable even without installing."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    env.setdefault("PYTHONIOENCODING", "utf-8")
    if extra:
        env.update(extra)
    return env


def run_chalk(*args: str | os.PathLike, cwd: Path, env: Mapping[str, str] | None = None,
              timeout: float = 120, module: str = "chalk") -> tuple[int, str, str]:
    """Run the real CLI, ``sys.executable -m chalk ARGS``, in ``cwd``; returns (returncode, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd, env=chalk_env(env),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def run_python(*args: str | os.PathLike, cwd: Path, timeout: float = 120) -> tuple[int, str, str]:
    """Run ``sys.executable ARGS`` (e.g. ``build.py``) in ``cwd``; returns (returncode, stdout, stderr)."""
    proc = subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=chalk_env(),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr
