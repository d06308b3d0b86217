"""One error hierarchy; the CLI maps it to exit codes in one place (plansync.cli)."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_OPERATIONAL = 3
EXIT_UNEXPECTED = 4


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, located as precisely as we can.

    `line` and `column` are 1-based; 0 means "unknown" (for example a file that cannot be read).
    `pointer` is an RFC 6901 JSON pointer into the document ("" is the whole document).
    """

    file: str
    line: int
    column: int
    pointer: str
    code: str
    message: str
    hint: str = ""

    def text(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class PlansyncError(Exception):
    """An expected failure the user can act on; never shown with a traceback."""

    exit_code = EXIT_OPERATIONAL
    kind = "operational"  # names the error in JSON error output (--format json)

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


INTERNAL = "internal-error"  # the code of a Problem that is plansync's fault, not the file's


class InternalError(PlansyncError):
    """plansync failed on some input (a bug) after reporting everything else it could."""

    exit_code = EXIT_UNEXPECTED


class UsageError(PlansyncError):
    exit_code = EXIT_USAGE
    kind = "usage"


class Refused(PlansyncError):
    """plansync will not do this as things stand (uncommitted files, a stale plan); nothing
    was written. Exit 1, like any other refusal."""

    exit_code = EXIT_FINDINGS


class InstanceError(PlansyncError):
    """The instance (database, server) refused or failed."""

    exit_code = EXIT_OPERATIONAL
    kind = "instance"


class SeedError(PlansyncError):
    """A seed file is invalid; carries the problems found (at least one)."""

    exit_code = EXIT_FINDINGS
    kind = "invalid"

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(f"{first.file}:{first.line}:{first.column}: {first.text()}")
        self.problems = problems


class InputError(SeedError):
    """An input file is not a valid plan where exit 1 already means something else (`diff`:
    "the plans differ"): the problems are reported and the exit code is 2."""

    exit_code = EXIT_USAGE


class FileError(PlansyncError):
    """A file or folder could not be read or written: a missing folder, a folder where a file
    was meant, no permission, a full disk."""

    exit_code = EXIT_OPERATIONAL
    kind = "file"

    @classmethod
    def of(cls, action: str, path: str | os.PathLike[str], exc: OSError) -> FileError:
        """`cannot write out/x.json: No such file or directory`, with a hint for the reason."""
        reason = exc.strerror or str(exc)
        hints = {
            errno.ENOENT: "create the folder first, or check the path",
            errno.ENOTDIR: "a part of the path is a file, not a folder",
            errno.EISDIR: "name a file, not a folder",
            errno.EACCES: "check the permissions of the file and its folder",
            errno.EPERM: "check the permissions of the file and its folder",
            errno.EROFS: "the file system is read-only",
            errno.ENOSPC: "free some disk space",
        }
        return cls(f"cannot {action} {os.fspath(path)}: {reason}",
                   hint=hints.get(exc.errno or 0, "check the path"))


class ConvertError(SeedError):
    """A file being converted cannot be read as its format says: each problem names the file
    and the place (row and column, the cell address, or a JSON pointer) and what to do."""


class MissingComponent(PlansyncError):
    """A format needs something that is not installed (an optional extra, a Java runtime).
    Exit 3: the machine lacks it, the input may be fine."""

    exit_code = EXIT_OPERATIONAL
    kind = "operational"
