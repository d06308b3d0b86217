"""Both sides of `plansync diff`, validated: a big file in two processes.

A file pair at least PARALLEL_BYTES big (both sides together) is read in two processes where
this process can fork: a forked child validates the old side while this one validates the
new side, and keeps it. The child sends the problems and a summary (the document without its
tasks and dependencies, and a digest of each of those: plansync.diff.share); this process
answers with the new side's digests; the child sends the old entities the new side has not
equal, and this process rebuilds the old document from those and the new side's own equal
objects (one document's memory, not two). For the schedule impact the child then schedules
the old side while this one diffs and schedules the new side, and sends that schedule
(plansync.diff.impact.Side).

Unlike `validate`, this does not ask whether a core is free: the second process adds little
work (digests, a few messages), and holding one document per process is what keeps a big
diff's memory down. Measured at a load average of 1.3 to 2.6 on 2 cores (bench_diff.py, 100k
tasks), two processes were still faster than one (with the schedule impact 5.55 s against
6.10 s, without it 2.68 s against 2.82 s) at 260 MB instead of 428 MB.

The protocol is strictly in turn (each side reads what the other wrote before writing
again), so it cannot deadlock, and there is no thread. If the child fails before it sends
its summary, this process reads the old file itself (what the child met, a file that cannot
be read, is then raised here); a failure after that (the child killed, out of memory) raises
SecondFailed, and the command runs the whole diff again in one process.
"""

from __future__ import annotations

import os
import pickle
import signal
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from plansync.errors import PlansyncError, Problem, SeedError
from plansync.render.safe import escape
from plansync.seed.events import final_state
from plansync.seed.validate import validate_bytes

# Inputs at least this big (both sides together) are read in two processes (where this one
# can fork); PLANSYNC_PARALLEL_BYTES sets the size (a huge value keeps one process).
PARALLEL_BYTES = 8 * 1024 * 1024
_PIPE_BYTES = 1 << 20  # the child's pipe (Linux's default limit for a user)


class SecondFailed(RuntimeError):
    """The second process stopped before it sent what was asked (killed, out of memory)."""


@dataclass
class Pair:
    """One seed file on both sides (a side is None where the file does not exist). With the
    old side scheduled in a second process, `before()` gives that schedule
    (plansync.diff.impact.Side)."""

    path: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    before: Any = None


def side(name: str, data: bytes | None, problems: list[Problem]) -> dict[str, Any] | None:
    """The valid document in `data`, or None (its problems added to `problems`)."""
    if data is None:
        return None
    result = validate_bytes(name, data)
    problems.extend(result.problems)
    if result.seed is None or result.problems:
        return None
    doc: dict[str, Any] = final_state(result.seed.doc)
    return doc


def read(path: str) -> bytes:
    from plansync.seed.load import Limits, read_bounded

    try:
        return read_bounded(path, Limits.from_env().max_bytes)
    except SeedError as exc:
        raise PlansyncError(f"cannot read {escape(path)}: {exc.problems[0].message}",
                            hint=exc.problems[0].hint) from exc


# path, old name and content, new name and content; a content that is a Path is read when
# needed (and by the second process itself, for a big old side)
Input = tuple[str, str, "bytes | Path | None", str, "bytes | Path | None"]


def _size(source: bytes | Path | None) -> int:
    if source is None:
        return 0
    return len(source) if isinstance(source, bytes) else source.stat().st_size


def _content(source: bytes | Path | None) -> bytes | None:
    return read(str(source)) if isinstance(source, Path) else source


def sides(inputs: list[Input], with_schedule: bool,
          stack: ExitStack | None = None) -> tuple[list[Pair], list[Problem]]:
    """Each file on both sides validated; a big one in two processes (see the module)."""
    from plansync.forked import can_fork

    problems: list[Problem] = []
    pairs = []
    threshold = int(os.environ.get("PLANSYNC_PARALLEL_BYTES", PARALLEL_BYTES))
    if not can_fork():
        stack = None
    inputs.reverse()
    while inputs:  # each file's bytes are dropped once read
        path, old_name, old_data, new_name, new_data = inputs.pop()
        size = _size(old_data) + _size(new_data)
        if old_data is None or new_data is None or size < threshold or stack is None:
            pairs.append(_one_process(path, old_name, old_data, new_name, new_data, problems))
            continue
        both = [(old_name, old_data), (new_name, new_data)]
        del old_data, new_data  # a blob is held by `both` alone, and let go there
        try:
            pairs.append(_two_processes(path, both, with_schedule, stack, problems))
        except NoSecond:  # raised before either side is read: this file in one process
            (old_name, old_data), (new_name, new_data) = both
            pairs.append(_one_process(path, old_name, old_data, new_name, new_data, problems))
    return pairs, problems


def _one_process(path: str, old_name: str, old_data: bytes | Path | None, new_name: str,
                 new_data: bytes | Path | None, problems: list[Problem]) -> Pair:
    return Pair(path, side(old_name, _content(old_data), problems),
                side(new_name, _content(new_data), problems))


def _two_processes(path: str, both: list[tuple[str, bytes | Path]], with_schedule: bool,
                   stack: ExitStack, problems: list[Problem]) -> Pair:
    """The pair of `both` (old and new name and content, taken out of the list)."""
    from plansync.diff import share
    from plansync.memory import no_gc_pauses

    second = stack.enter_context(_Second(both, with_schedule))
    old_name, old_data = both.pop(0)
    old_file = old_data if isinstance(old_data, Path) else None
    del old_data  # a blob: the child has its copy
    new_name, new_data = both.pop()
    new = side(new_name, _content(new_data), problems)
    del new_data
    digests = None
    if new is not None:
        with no_gc_pauses():
            digests = share.digests_of(new)
    loaded = second.receive()
    if loaded is None and old_file is not None:  # the old file is read here instead, so
        second.close()  # that what the child met (a file that cannot be read) is raised here
        return Pair(path, side(old_name, read(str(old_file)), problems), new)
    old_problems, summary = second.check(loaded)
    problems.extend(old_problems)
    if new is None or summary is None or digests is None:
        return Pair(path, None, new)
    second.send(digests)
    picked = second.check(second.receive())
    with no_gc_pauses():
        old = share.rebuild(summary, new, picked, digests)
    del digests
    return Pair(path, old, new, second.schedule if with_schedule else None)


class NoSecond(Exception):
    """No second process could be started (no pipe or process to spare): one process then."""


class _Second:
    """The forked child that reads the old side, and this process's end of its two pipes."""

    live: list[_Second] = []  # (a later child closes the pipes of the earlier ones)

    def __init__(self, both: list[tuple[str, bytes | Path]], with_schedule: bool) -> None:
        """`both`: the old and new side's name and content (the child reads the first)."""
        made: list[int] = []
        try:
            down_read, down_write = os.pipe()  # to the child
            made += (down_read, down_write)
            up_read, up_write = os.pipe()  # from the child
            made += (up_read, up_write)
            try:  # a bigger pipe: messages of megabytes in fewer turns
                import fcntl

                fcntl.fcntl(up_write, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
            except (ImportError, OSError):
                pass
            self.pid = os.fork()
        except OSError as exc:  # out of file descriptors, processes or memory
            for fd in made:
                os.close(fd)
            raise NoSecond from exc
        if self.pid == 0:  # the child: serve, then leave without any cleanup
            status = 1
            try:
                os.close(down_write)
                os.close(up_read)
                for other in _Second.live:
                    other.close(wait=False)
                name, data = both[0]
                source = [data]
                del data
                both.clear()  # blobs: the old one is let go once validated, the new one now
                with os.fdopen(down_read, "rb") as incoming, \
                        os.fdopen(up_write, "wb") as outgoing:
                    _serve(name, source, with_schedule, incoming, outgoing)
                status = 0
            finally:
                os._exit(status)
        os.close(down_read)
        os.close(up_write)
        self.incoming: IO[bytes] | None = os.fdopen(up_read, "rb")
        self.outgoing: IO[bytes] | None = os.fdopen(down_write, "wb")
        _Second.live.append(self)

    def __enter__(self) -> _Second:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def receive(self) -> Any:
        """The child's next message, None if it failed."""
        if self.incoming is None:
            return None
        try:
            return _receive(self.incoming)
        except Exception:  # noqa: BLE001 - the child died
            return None

    @staticmethod
    def check(message: Any) -> Any:
        if message is None:
            raise SecondFailed("the second process of plansync diff stopped")
        return message

    def send(self, value: Any) -> None:
        assert self.outgoing is not None
        with suppress(OSError):  # the child died: its next message will say so
            _send(self.outgoing, value)

    def schedule(self) -> Any:
        """The old side's schedule (plansync.diff.impact.Side), from the child."""
        from plansync.diff.impact import unpack

        found = self.check(self.receive())
        self.close()
        return unpack(found)

    def close(self, wait: bool = True) -> None:
        """Close the pipes and end the child (whatever it still does is not wanted)."""
        for end in (self.outgoing, self.incoming):
            if end is not None:
                with suppress(OSError):
                    end.close()
        self.outgoing = self.incoming = None
        if self.pid and wait:
            if os.waitpid(self.pid, os.WNOHANG) == (0, 0):  # not done: nothing more is wanted
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = 0
            _Second.live.remove(self)


def _serve(name: str, source: list[bytes | Path], with_schedule: bool, incoming: IO[bytes],
           outgoing: IO[bytes]) -> None:
    """In the child: (problems, summary); after the new side's digests, the old entities it
    has not equal; and for the impact, the old side's schedule. (`source` holds the old
    side's content, taken out.)"""
    from plansync.diff import share
    from plansync.memory import no_gc_pauses

    def send(value: Any) -> None:
        _send(outgoing, value)

    problems: list[Problem] = []
    doc = side(name, _content(source.pop()), problems)
    with no_gc_pauses():
        summary = share.summarise(doc) if doc is not None else None
        send((problems, summary))
        if doc is None or summary is None:
            return
        digests = _receive(incoming)
        send(share.pick(doc, share.wanted(summary, digests)))
        del summary, digests
    if with_schedule:
        from plansync.diff.impact import pack, scheduled_taking

        holder = [doc]
        del doc  # let go once compiled (plansync.diff.impact.scheduled_taking)
        send(pack(scheduled_taking(holder)))


def _send(out: IO[bytes], value: Any) -> None:
    """One message: its length, then its pickle (made whole first, so that the writer only
    waits on the pipe, never the reader on the pickling)."""
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(8, "little"))
    out.write(data)
    out.flush()


def _receive(incoming: IO[bytes]) -> Any:
    from plansync.memory import no_gc_pauses

    size = int.from_bytes(_exactly(incoming, 8), "little")
    data = _exactly(incoming, size)
    with no_gc_pauses():  # many objects beside a big document
        return pickle.loads(data)  # noqa: S301 - our own process's bytes


def _exactly(incoming: IO[bytes], size: int) -> bytes:
    data = incoming.read(size)
    if len(data) != size:
        raise EOFError("the other process stopped")
    return data
