"""Warm Jupyter kernels for batches: one kernel per worker, reused across cases.

Starting a kernel and importing the scientific stack costs 2–3 s per notebook; in a batch that is
most of the time. A :class:`WarmKernel` keeps one kernel alive in a worker and, before each case,
clears the user namespace (``%reset -f``), closes figures and moves to the case's folder, so every
case starts from the same state with the modules already imported. After a failed case (a cell
error, a timeout, a dead kernel) the kernel is discarded and the next case gets a fresh one; it is
also recycled every ``max_uses`` cases. ``jixiao run`` uses a fresh kernel per case; ``library
verify --rerun`` compares the two.

The kernel is driven through papermill with the ``jixiao-warm`` engine, a papermill
``NBClientEngine`` that accepts an existing kernel manager and closes its client channels after
each notebook.
"""

from __future__ import annotations

import threading

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "jixiao-warm"
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]
RESET_CODE = """\
import os as _jx_os
_jx_os.chdir({cwd!r})
get_ipython().run_line_magic('reset', '-f')
import warnings as _jx_warnings
import matplotlib.pyplot as _jx_plt
_jx_plt.close('all')
_jx_warnings.resetwarnings()
del _jx_warnings, _jx_plt
"""


class WarmEngine(NBClientEngine):
    """papermill engine that runs a notebook in a given (warm) kernel manager ``km``."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=_logger(),
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, **final_kwargs)
        try:
            return client.execute()
        finally:
            if client.kc is not None and not client.owns_km:
                client.kc.stop_channels()
                client.kc = None


def _logger():
    from papermill.log import logger

    return logger


papermill_engines.register(ENGINE_NAME, WarmEngine)


async def _start(km: AsyncKernelManager, cwd: str) -> None:
    await km.start_kernel(extra_arguments=KERNEL_ARGS, cwd=cwd)


async def _reset(km: AsyncKernelManager, cwd: str, timeout: float) -> bool:
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=timeout)
        reply = await kc.execute_interactive(
            RESET_CODE.format(cwd=cwd),
            timeout=timeout,
            store_history=False,
            output_hook=lambda msg: None,  # a failed reset just means a fresh kernel, silently
        )
        return reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()


class WarmKernel:
    """One reusable kernel (per thread of a worker process)."""

    def __init__(self, kernel_name: str = "python3", max_uses: int = 50) -> None:
        self.kernel_name = kernel_name
        self.max_uses = max_uses
        self.km: AsyncKernelManager | None = None
        self.uses = 0

    def acquire(self, cwd: str) -> AsyncKernelManager:
        """A kernel ready for a new case in ``cwd`` (fresh, or reset)."""
        if self.km is not None and self.uses < self.max_uses and run_sync(self.km.is_alive)():
            try:
                if run_sync(_reset)(self.km, cwd, 30):
                    self.uses += 1
                    return self.km
            except Exception:  # noqa: BLE001 - any trouble resetting: start afresh
                pass
        self.discard()
        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(_start)(self.km, cwd)
        self.uses = 1
        return self.km

    def discard(self) -> None:
        """Shut the kernel down (after a failure, or at the end)."""
        km, self.km = self.km, None
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - it may already be dead
                pass


_local = threading.local()


def warm_kernel() -> WarmKernel:
    """The calling thread's warm kernel (created on first use)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None:
        kernel = _local.kernel = WarmKernel()
        import atexit

        atexit.register(kernel.discard)
    return kernel
