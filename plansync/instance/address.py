"""Which instance a command talks to, and opening it.

Resolution order: `--instance`, then `PLANSYNC_INSTANCE`, then `instance:` in `plansync.yaml`
at the repository root, then the embedded default `.plansync/instance.db` at the repository
root (created on first use and ignored by Git through `.plansync/.gitignore`).

Addresses: `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` (or any path after
`sqlite:///` that starts with `/`), `http://host:port` or `https://...` (a team server, see
docs/server.md; the token from PLANSYNC_TOKEN), and `memory:` (a scratch instance that lives
as long as the command). A relative path is taken from the current directory when given by option or
environment, and from the repository root when written in plansync.yaml.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from plansync.errors import UsageError
from plansync.instance.base import Instance

DEFAULT_DIR = ".plansync"
DEFAULT_DB = "instance.db"
CONFIG = "plansync.yaml"


def resolve_address(option: str | None, cwd: str | Path = ".") -> str:
    """The address to use, following the resolution order; a usage error for an address of
    no known kind (before anything else is done)."""
    return _known(_resolved(option, cwd))


def _resolved(option: str | None, cwd: str | Path) -> str:
    if option:
        return option
    env = os.environ.get("PLANSYNC_INSTANCE")
    if env:
        return env
    from plansync.gitrepo import repository_root

    root = repository_root(cwd) or Path(cwd).resolve()
    configured = _configured(root / CONFIG)
    if configured:
        return _rebase(configured, root)
    return "sqlite:///" + str(root / DEFAULT_DIR / DEFAULT_DB)


def _known(address: str) -> str:
    if not address.startswith(tuple(KINDS)):
        raise UsageError(f"unknown instance address {redact(address)!r}",
                         hint="use sqlite:///path/to/file.db, postgresql://user@host/db, "
                         "http(s)://host:port or memory:")
    return address


def _configured(path: Path) -> str | None:
    if not path.is_file():
        return None
    data = _read_config(path)
    value = data.get("instance") if isinstance(data, dict) else None
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{path}: instance must be an address string",
                         hint="for example  instance: sqlite:///plans.db")
    return value


def _read_config(path: Path) -> object:
    """plansync.yaml's data; unreadable, non-UTF-8 or malformed YAML is a UsageError (exit 2)
    naming the file, the place and what is wrong."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    fix = "fix it (for example  instance: sqlite:///plans.db), or remove it"
    try:
        text = path.read_bytes().decode("utf-8")
        return YAML(typ="safe").load(text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it: {exc.strerror}",
                         hint="check its permissions") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at "
                         f"offset {exc.start})", hint="save it as UTF-8") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        what = exc.problem or exc.context or "malformed YAML"
        raise UsageError(f"{path}{where}: not valid YAML: {what}", hint=fix) from None
    except (YAMLError, ValueError) as exc:
        raise UsageError(f"{path}: not valid YAML: {exc}", hint=fix) from None


def _rebase(address: str, root: Path) -> str:
    if address.startswith("sqlite:///") and not address[len("sqlite:///"):].startswith("/"):
        return "sqlite:///" + str(root / address[len("sqlite:///"):])
    return address


def _sqlite(address: str, create: bool) -> Instance:
    from plansync.instance.sqlite import SqliteInstance

    path = address[len("sqlite:///"):]
    if not path:
        raise UsageError(f"no database path in {address!r}", hint="sqlite:///path/to/file.db")
    if Path(path).name == DEFAULT_DB and Path(path).parent.name == DEFAULT_DIR:
        if create:
            _ignore_default_folder(Path(path).parent)
        elif not Path(path).exists():
            # The embedded default before its first import: it reads as empty, and reading
            # it creates nothing. (Any other address that does not exist is refused.)
            return SqliteInstance(":memory:", name="default")
    return SqliteInstance(path, create=create)


def _memory(address: str, create: bool) -> Instance:
    from plansync.instance.sqlite import SqliteInstance

    return SqliteInstance(":memory:")


def _ignore_default_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# plansync's embedded instance: local state, not plans\n*\n")


def _postgres(address: str, create: bool) -> Instance:
    try:
        from plansync.instance.postgres import PostgresInstance
    except ImportError as exc:  # psycopg is a dependency; a broken install says so
        raise UsageError(f"PostgreSQL needs psycopg: {exc}",
                         hint="pip install 'psycopg[binary]'") from exc
    return PostgresInstance(address)


def _http(address: str, create: bool) -> Instance:
    from plansync.instance.http import HttpInstance

    return HttpInstance(address)


# Instance kinds, by address scheme (also what `--instance` accepts).
KINDS: dict[str, Callable[[str, bool], Instance]] = {
    "sqlite:///": _sqlite,
    "memory:": _memory,
    "http://": _http,
    "https://": _http,
    "postgresql://": _postgres,
    "postgres://": _postgres,
}


def redact(address: str) -> str:
    """The address with any password in it masked, fit for messages and records."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://[^/@:]*):[^/@]*@", r"\1:***@", address)


@contextmanager
def opened(address: str, *, create: bool = False) -> Iterator[Instance]:
    """The instance at `address`, closed when the block ends (whatever happens in it).

    Only commands that write to the instance pass create=True: anything else (a reader, a
    dry run) refuses an instance that does not exist rather than making an empty one."""
    target = open_instance(address, create=create)
    try:
        yield target
    finally:
        target.close()


def open_instance(address: str, *, create: bool = False) -> Instance:
    prefix = next(p for p in KINDS if _known(address).startswith(p))
    return KINDS[prefix](address, create)
