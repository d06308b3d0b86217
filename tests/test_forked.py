"""plansync.forked: a computation in a forked child, with the one-process answer whatever
happens to the child."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from plansync.forked import Forked, can_fork


def _pid_of(job: Forked[object]) -> int:
    pid = job._pid  # noqa: SLF001 - the test kills the real child
    assert pid > 0
    return pid


def test_the_value_comes_from_the_child() -> None:
    parent = os.getpid()
    job = Forked(lambda: (os.getpid(), [1.5, {"a": (2, None)}]))
    assert job.forked
    pid, value = job.result()
    assert pid != parent  # computed over there
    assert value == [1.5, {"a": (2, None)}]
    assert not job.forked


def test_an_exception_is_raised_as_in_one_process() -> None:
    def work() -> int:
        raise ValueError(f"no dates beyond 9999 (in {os.getpid()})")

    job = Forked(work)
    with pytest.raises(ValueError, match=f"in {os.getpid()}"):  # raised here, recomputed
        job.result()


def test_a_killed_child_is_worked_around() -> None:
    job = Forked(lambda: (time.sleep(2), os.getpid())[1])
    os.kill(_pid_of(job), signal.SIGKILL)
    start = time.monotonic()
    assert job.result() == os.getpid()  # computed here... after its own sleep
    assert time.monotonic() - start >= 1.5


def test_cancel_stops_the_child_and_leaves_no_zombie() -> None:
    job = Forked(lambda: time.sleep(60))
    pid = _pid_of(job)
    job.cancel()
    assert not job.forked
    with pytest.raises(ChildProcessError):  # already reaped
        os.waitpid(pid, os.WNOHANG)
    job.cancel()  # twice is harmless


def test_a_threaded_process_never_forks() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        job = Forked(os.getpid)
        assert not job.forked
        assert job.result() == os.getpid()
    finally:
        stop.set()
        thread.join()
    assert can_fork()


def test_without_a_file_descriptor_to_spare_the_work_is_done_here() -> None:
    # a pipe cannot be made (the open-files limit reached): no child, the same value
    import subprocess
    import sys

    script = (
        "import os, resource\n"
        "from plansync.forked import Forked\n"
        "open_now = len(os.listdir('/proc/self/fd'))\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (open_now, hard))\n"
        "job = Forked(lambda: os.getpid())\n"
        "print(job.forked, job.result() == os.getpid())\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]
