"""Atomic file writes: a file is either the old bytes or the new ones, never half of each."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from plansync.errors import FileError


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` via a temp file in the same folder and a rename.

    The file keeps its permission bits; a new file gets the usual umask-derived ones.
    A missing folder, a folder at `path` or a refused write is a FileError (exit 3) naming
    the path and the reason.
    """
    name = os.fspath(path)
    if name.endswith(("/", os.sep)) or os.path.isdir(name):
        raise FileError.of("write", name, OSError(errno.EISDIR, os.strerror(errno.EISDIR)))
    try:
        _write_atomic(Path(name), data)
    except OSError as exc:
        raise FileError.of("write", name, exc) from exc


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    # The temp name starts with (at most 64 characters of) the file's: a long name still fits.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or a FileError (exit 3) naming the path and the reason."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise FileError.of("read", path, exc) from exc
