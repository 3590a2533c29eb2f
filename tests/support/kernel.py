"""Helpers for the suites that run cells in a real Jupyter kernel (test_execute*.py, test_notebooks.py).

* :func:`require_kernel` — skip when Jupyter (nbclient + ipykernel, the `exec` extra) is missing
  here, fail instead when ``CHALK_REQUIRE_KERNEL=1`` (CI);
* :data:`RECORD_START` — code for a cell that appends "<article> <kernel pid>" to the file named
  by ``$CHALK_TEST_STARTS``: every kernel is a new process, so distinct pids count kernel starts;
* :func:`kernel_starts` — read that file back.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

STARTS_ENV = "CHALK_TEST_STARTS"


def require_kernel() -> None:
    """Skip unless cells can run here (nbclient, nbformat and the python3 kernel), or fail under
    CHALK_REQUIRE_KERNEL=1."""
    try:
        import matplotlib  # noqa: F401
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
        from jupyter_client.kernelspec import KernelSpecManager

        KernelSpecManager().get_kernel_spec("python3")
    except Exception as exc:  # ImportError, NoSuchKernel
        message = f"no Jupyter kernel here ({type(exc).__name__}: {exc}): pip install '.[exec]'"
        if os.environ.get("CHALK_REQUIRE_KERNEL") == "1":
            pytest.fail(f"{message} (CHALK_REQUIRE_KERNEL=1, so this is required)")
        pytest.skip(message)


def record_start(name: str) -> str:
    """The source of a cell recording that article ``name`` ran in this kernel."""
    return (f"import os\nwith open(os.environ[{STARTS_ENV!r}], 'a') as _f:\n"
            f"    _f.write('{name} ' + str(os.getpid()) + '\\n')\n")


def kernel_starts(path: Path) -> list[tuple[str, str]]:
    """(article, pid) per recorded run, in order; [] when nothing ran."""
    if not path.exists():
        return []
    return [tuple(line.split()) for line in path.read_text().splitlines() if line.strip()]  # type: ignore[misc]


@pytest.fixture
def starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file kernels record their starts in (kernels inherit the build's environment)."""
    require_kernel()
    path = tmp_path / "kernel-starts.txt"
    monkeypatch.setenv(STARTS_ENV, str(path))
    return path
