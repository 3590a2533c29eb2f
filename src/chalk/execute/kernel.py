"""Run one article's cells in a fresh Jupyter kernel (nbclient + ipykernel, the `exec` extra).

:func:`run_job` is what a worker process calls: it starts one kernel in the
article's folder, runs the cells in order (state carries from cell to cell), and
returns their outputs as plain data. Jupyter is imported here only, and only when
something has to run, so a site built from frozen results never needs it.

Matplotlib is set up before the first cell: figures as SVG with a transparent
background, and text, axes and ticks drawn in a marker colour that
:mod:`chalk.markdown.outputs` turns into ``currentColor``, so a plot reads in the
light and the dark theme alike.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import tempfile
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .results import CellResult

EXTRA_HINT = "pip install 'chalk-ssg[exec]'"
INK = "#010203"  # the marker colour of matplotlib's text and axes; shown as currentColor
#: matplotlib settings for the kernel (a matplotlibrc file, read when the cells import matplotlib).
MATPLOTLIBRC = f"""\
figure.facecolor: none
axes.facecolor: none
savefig.facecolor: none
savefig.transparent: True
legend.facecolor: none
legend.framealpha: 0
text.color: {INK[1:]}
axes.labelcolor: {INK[1:]}
axes.edgecolor: {INK[1:]}
xtick.color: {INK[1:]}
ytick.color: {INK[1:]}
svg.fonttype: none
svg.hashsalt: chalk
figure.figsize: 6.4, 3.6
"""
SETUP = """\
try:
    from matplotlib_inline.config import InlineBackend as _InlineBackend
except ImportError:
    pass
else:
    _backend = _InlineBackend.instance(parent=get_ipython())
    _backend.print_figure_kwargs = {"bbox_inches": "tight", "metadata": {"Date": None}}
    _backend.figure_formats = {"svg"}
    del _backend, _InlineBackend
"""


@dataclass(frozen=True)
class Job:
    """One article to run: its cells (index, code, run it?, may it raise?) and where."""

    rel: str
    cwd: str
    cells: tuple[tuple[int, str, bool, bool], ...]
    kernel: str = "python3"
    timeout: int = 60


@dataclass(frozen=True)
class Outcome:
    """What a run gave: one result per cell, and the cell that stopped it, if one did."""

    rel: str
    results: tuple[CellResult, ...]
    failed_cell: int | None = None
    message: str = ""  # "ZeroDivisionError: division by zero", "timed out after 60 s", ...
    traceback: tuple[str, ...] = field(default=())  # its last lines, without colours


class KernelMissing(Exception):
    """Jupyter or the kernel cannot be used here; the message says why."""


def check_kernel(kernel: str) -> None:
    """Raise :class:`KernelMissing` unless cells can run in ``kernel`` here."""
    try:
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError as exc:
        raise KernelMissing(f"running cells needs Jupyter ({exc.name} is not installed)") from None
    try:
        KernelSpecManager().get_kernel_spec(kernel)
    except NoSuchKernel:
        raise KernelMissing(f"no Jupyter kernel named '{kernel}' (is ipykernel installed?)") from None


def run_job(job: Job) -> Outcome:
    """Start a kernel in the article's folder, run the job's cells in order, stop the kernel."""
    import nbformat
    from nbclient import NotebookClient

    runnable = [(index, code, allow) for index, code, run, allow in job.cells if run]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(SETUP, metadata={"chalk": "setup"})] + [
        nbformat.v4.new_code_cell(code, metadata={"tags": ["raises-exception"]} if allow else {})
        for _, code, allow in runnable]
    current: list[int] = [0]

    def on_cell_start(cell: Any = None, cell_index: int = 0, **kwargs: Any) -> None:
        current[0] = cell_index

    def timeout_of(cell: Any) -> int:  # chalk's setup is not the writer's code: it gets time of its own
        return 120 if cell.metadata.get("chalk") == "setup" else job.timeout

    with tempfile.TemporaryDirectory(prefix="chalk-kernel-") as folder:
        client = NotebookClient(notebook, kernel_name=job.kernel, timeout_func=timeout_of, startup_timeout=120,
                                allow_errors=False, record_timing=False, on_cell_start=on_cell_start,
                                resources={"metadata": {"path": job.cwd}}, config=_channels(folder))
        rc_file = Path(folder, "matplotlibrc")
        rc_file.write_text(MATPLOTLIBRC, encoding="utf-8")
        env = dict(os.environ, MATPLOTLIBRC=str(rc_file), PYDEVD_DISABLE_FILE_VALIDATION="1")
        with open(Path(folder, "stderr"), "w+b") as stderr:
            position, message, trace = _execute(client, env, stderr, current, job.timeout)
    failed = runnable[position - 1][0] if position is not None else None
    outputs = {index: tuple(_plain(o) for o in notebook.cells[number + 1].outputs)
               for number, (index, _, _) in enumerate(runnable)}
    done = {index for index, *_ in runnable if failed is None or index <= failed}
    results = tuple(CellResult(outputs[index] if index in done else (), index in done)
                    for index, *_ in job.cells)
    return Outcome(job.rel, results, failed, message, trace)


def _channels(folder: str) -> Any:
    """Kernel settings: where the system has them, Unix sockets in ``folder`` instead of TCP ports.

    A TCP port is picked free, let go, and only then bound by the kernel; another kernel or server
    starting meanwhile can take it, and the kernel dies before it replies (jupyter_client#154).
    A socket file in a folder of this run's own cannot be taken."""
    from traitlets.config import Config

    if not hasattr(socket, "AF_UNIX"):
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})


def _execute(client: Any, env: dict[str, str], stderr: BinaryIO, current: list[int],
             timeout: int) -> tuple[int | None, str, tuple[str, ...]]:
    """Run the notebook; returns (position of the failing cell or None, message, traceback lines).

    The kernel process's own stderr (not the cells', which come as messages) goes to `stderr`, so
    that a kernel that dies while starting says why."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    try:
        client.execute(env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    except CellTimeoutError:
        if current[0] == 0:
            raise RuntimeError("chalk's kernel setup timed out") from None
        return current[0], f"timed out after {timeout} s (execute: {{timeout: ...}} allows more)", ()
    except CellExecutionError as exc:
        if current[0] == 0:
            raise RuntimeError(f"chalk's kernel setup failed: {exc}") from None
        return current[0], f"{exc.ename}: {exc.evalue}" if exc.evalue else exc.ename, last_lines(exc.traceback)
    except DeadKernelError:
        return max(current[0], 1), " ".join(filter(None, ["the kernel died while running this cell", _said(stderr)])), ()
    except RuntimeError as exc:  # jupyter_client's "Kernel died before replying to kernel_info"
        atexit.unregister(client._cleanup_kernel)  # nbclient cleaned up already; at exit it would only fail
        raise RuntimeError(" ".join(filter(None, [str(exc), _said(stderr)]))) from None
    return None, "", ()


def _said(stderr: BinaryIO, count: int = 3) -> str:
    """The last lines a kernel process wrote to its stderr, as one line (empty if it said nothing)."""
    stderr.seek(0)
    lines = [line.strip() for line in stderr.read().decode("utf-8", "replace").splitlines() if line.strip()]
    return f"(the kernel said: {' / '.join(lines[-count:])})" if lines else ""


def _plain(output: Any) -> dict[str, Any]:
    """An nbformat output as plain JSON-able dicts (no NotebookNode, no transient data)."""
    data = {key: value for key, value in dict(output).items() if key != "transient"}
    return {key: (dict(value) if isinstance(value, dict) else value) for key, value in data.items()}


def last_lines(traceback: str, count: int = 4) -> tuple[str, ...]:
    """The last lines of a traceback, colours removed, blank lines dropped."""
    from .ansi import strip_ansi

    lines = [line.rstrip() for line in strip_ansi(traceback).split("\n") if line.strip()]
    lines = [line for line in lines if not set(line.strip()) <= {"-"}]
    return tuple(lines[-count:])
