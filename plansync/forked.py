"""A computation run in a forked child process while this process goes on with other work.

`Forked(work)` forks at once where that is safe and possible (a POSIX platform, a process
without other threads: forking a threaded process can leave a lock held forever in the child;
file descriptors and processes to spare); the child
runs `work()` and sends its value back pickled. `result()` waits for it. Wherever the child
cannot help (no fork, the child failed, was killed, or `work` raised there), `result()` runs
`work()` in this process instead, so the answer, and any exception, is the one-process
answer. `cancel()` stops a child whose value is no longer wanted.

The child never returns into the caller's code and leaves with os._exit: it runs no cleanup
of the parent's (open database connections, temporary files, atexit handlers).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from plansync.memory import no_gc_pauses

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a child process can be forked safely (never from a threaded process)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Forked(Generic[T]):
    """`work()` computed in a forked child (or, failing that, here when asked for)."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid = 0
        self._read = -1
        if not can_fork():
            return
        try:
            read, write = os.pipe()
        except OSError:  # out of file descriptors: no child, the work is done here
            return
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: likewise
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: work, send the value, leave without any cleanup
            status = 0
            try:
                os.close(read)
                with no_gc_pauses():
                    value = work()
                    with os.fdopen(write, "wb") as out:
                        pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - never return into the caller's code
                status = 1
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

    @property
    def forked(self) -> bool:
        """Whether a child is working (or done and not yet heard)."""
        return self._pid != 0

    def result(self) -> T:
        """work()'s value: the child's, or computed here when the child did not deliver."""
        sent, value = self.delivered()
        return value if sent else self._work()  # type: ignore[return-value]

    def delivered(self) -> tuple[bool, T | None]:
        """(True, the child's value) once it has sent it; (False, None) when there was no
        child or it failed (nothing is computed here)."""
        if not self._pid:
            return False, None
        pid, self._pid = self._pid, 0
        with os.fdopen(self._read, "rb") as incoming:
            sent = incoming.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not sent:
            return False, None
        value: T = pickle.loads(sent)  # noqa: S301 - our own child's bytes
        return True, value

    def cancel(self) -> None:
        """Stop the child (if any) without waiting for its value."""
        if not self._pid:
            return
        pid, self._pid = self._pid, 0
        with contextlib.suppress(ProcessLookupError):  # it is ours until waited for
            os.kill(pid, signal.SIGKILL)
        os.close(self._read)
        os.waitpid(pid, 0)
