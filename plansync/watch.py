"""Watch mode: keep an instance in step with seed files as people save them.

A watchdog observer reports file events; each seed file's burst of events settles for a
debounce interval before the file is looked at, so a half-written file (or an editor's
write-to-temp-and-rename dance) is never imported. A settled file is validated (invalid: its
problems are reported and the instance is left alone) and then synced with the same three-way
decisions as `plansync sync` (plansync.sync), as one file's plan: drift and conflicts are
reported, never overwritten. Instance errors are retried with backoff. Everything the watcher
does is an event (a plain dict) handed to `emit`: the CLI renders it as a line or as JSON.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from plansync.errors import PlansyncError, SeedError
from plansync.seed.load import Limits, is_seed_path, read_bounded

Emit = Callable[[dict[str, Any]], None]
RETRY_FIRST, RETRY_MAX = 1.0, 30.0  # seconds between attempts after an instance error
_TEMP_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".bak", ".orig")


def ignored(name: str) -> bool:
    """Editor temp and backup files (vim's .swp and 4913, emacs's .#x and x~, *.tmp)."""
    return name.startswith(".#") or name == "4913" or name.endswith(_TEMP_SUFFIXES)


@dataclass
class _Pending:
    last_event: float  # monotonic time of the newest event of the burst
    not_before: float = 0.0  # retry backoff: not before this time
    delay: float = 0.0  # the current backoff


@dataclass
class Watcher:
    root: Path  # paths are relative to it (the repository root, or the watched folder)
    folder: Path  # what is watched
    address: str
    emit: Emit
    debounce: float = 0.2  # seconds
    prune: bool = False
    limits: Limits = field(default_factory=Limits)
    repository: str | None = None
    account: str = "watch"
    history: Any = None  # plansync.gitrepo.History, when in a repository
    ignore: Callable[[str], bool] = lambda path: False  # Git-ignored paths
    _pending: dict[str, _Pending] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _wake: threading.Event = field(default_factory=threading.Event)
    _owners: dict[str, str] = field(default_factory=dict)  # path -> program code
    _known: dict[str, set[str]] = field(default_factory=dict)  # path -> contents synced
    _target: Any = None

    # -- events in (any thread) ----------------------------------------------------------------

    def touch(self, absolute: str) -> None:
        """A file event: note the seed file it concerns (if any) as changed now."""
        path = Path(absolute)
        if not is_seed_path(path.name) or ignored(path.name):
            return
        try:
            relative = path.resolve().relative_to(self.root.resolve()).as_posix() \
                if path.exists() else path.relative_to(self.root).as_posix()
        except ValueError:
            return
        if self.ignore(relative):
            return
        with self._lock:
            self._pending[relative] = _Pending(time.monotonic())
        self._wake.set()

    # -- the loop (the main thread) --------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Watch until `stop` is set; never stops in the middle of a file's import."""
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return
                watcher.touch(str(event.src_path))
                if getattr(event, "dest_path", ""):
                    watcher.touch(str(event.dest_path))

        observer = Observer()
        observer.schedule(Handler(), str(self.folder), recursive=True)
        observer.start()
        try:
            self.sync_all()
            self.emit({"event": "watching", "folder": str(self.folder),
                       "debounce_ms": round(self.debounce * 1000)})
            while not stop.is_set():
                for path in self._settled():
                    if stop.is_set():
                        break
                    self.process(path)
                self._wake.wait(self._next_wait())
                self._wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=5)
            self._close()
            self.emit({"event": "stopped"})

    def _settled(self) -> list[str]:
        now = time.monotonic()
        with self._lock:
            ready = [p for p, s in self._pending.items()
                     if now - s.last_event >= self.debounce and now >= s.not_before]
        return sorted(ready)

    def _next_wait(self) -> float:
        now = time.monotonic()
        with self._lock:
            waits = [max(s.last_event + self.debounce, s.not_before) - now
                     for s in self._pending.values()]
        return max(0.01, min(waits)) if waits else 3600.0

    def stop(self) -> None:
        self._wake.set()

    # -- one file ------------------------------------------------------------------------------

    def sync_all(self) -> None:
        """Sync every seed file below the folder that differs from the instance (--once)."""
        for path in sorted(self.folder.rglob("*")):
            if path.is_file() and is_seed_path(path.name) and not ignored(path.name) \
                    and not any(part.startswith(".") for part in
                                path.relative_to(self.folder).parts[:-1]):
                relative = path.resolve().relative_to(self.root.resolve()).as_posix()
                if not self.ignore(relative):
                    self.process(relative, initial=True)

    def process(self, path: str, *, initial: bool = False) -> None:
        """Look at one settled file and act on it; on an instance error, try again later."""
        with self._lock:
            pending = self._pending.pop(path, None)
        started = pending.last_event if pending else time.monotonic()
        try:
            self._process(path, started, initial)
        except PlansyncError as exc:
            delay = min(RETRY_MAX, max(RETRY_FIRST, (pending.delay if pending else 0) * 2))
            with self._lock:
                if path not in self._pending:  # a newer save waits anyway
                    self._pending[path] = _Pending(started, time.monotonic() + delay, delay)
            self._close()
            self.emit({"event": "error", "path": path, "message": exc.message,
                       "hint": exc.hint, "retry_in_s": delay})
            self._wake.set()

    def _process(self, path: str, started: float, initial: bool) -> None:
        from plansync.seed.validate import validate_bytes
        from plansync.sync import SyncPlan, apply_sync, plan_sync, write_merged

        full = self.root / path
        if not full.exists():
            self._deleted(path)
            return
        try:
            data = read_bounded(str(full), self.limits.max_bytes, label=path)
        except SeedError as exc:
            self.emit({"event": "invalid", "path": path, "problems": exc.problems})
            return
        result = validate_bytes(path, data, self.limits)
        if result.seed is None or result.problems:
            self.emit({"event": "invalid", "path": path, "problems": result.problems})
            return
        code = result.seed.doc["program"]["code"]
        other = next((p for p, c in self._owners.items() if c == code and p != path
                      and (self.root / p).exists()), None)
        if other is not None:
            from plansync.errors import Problem

            self.emit({"event": "invalid", "path": path, "problems": [Problem(
                path, 0, 0, "/program/code", "duplicate-program",
                f"program {code!r} is also in {other}",
                "keep each program in exactly one seed file")]})
            return
        self._owners[path] = code
        plan = SyncPlan(seeds={path: result.seed})
        target = self._instance()
        plan_sync(plan, target, history=self.history, orphans=False, known=self._known)
        apply_sync(plan, target, commit=None, account=self.account,
                   repository=self.repository)
        write_merged(self.root, plan, target)  # the instance has both sides: the file too
        for item in plan.programs:
            if item.action in ("create", "update", "merge", "forced", "unchanged"):
                known = self._known.setdefault(path, set())
                known.add(item.digest)  # the file held it, and the instance now does too
                if item.document_digest is not None:
                    known.add(item.document_digest)
            if initial and item.action == "unchanged":
                continue
            self.emit({"event": "synced" if item.report is not None else item.action,
                       "path": path, "program": item.program, "action": item.action,
                       "server_version": item.instance_version, "counts": _counts(item),
                       "changed_in_files": [c.as_dict() for c in item.mine],
                       "changed_on_instance": [c.as_dict() for c in item.theirs],
                       "conflicts": [asdict(c) for c in item.conflicts],
                       "latency_ms": round((time.monotonic() - started) * 1000)})

    def _deleted(self, path: str) -> None:
        code = self._owners.pop(path, None)
        if code is None:  # not seen since the watcher started: what was last synced from it?
            code = next((c for c, p in self._instance().synced_paths(self.repository).items()
                         if p == path), None)
        if code is None:
            return
        if not self.prune:
            self.emit({"event": "deleted", "path": path, "program": code,
                       "message": "the seed file is gone; its program stays on the instance "
                       "(--prune deletes it)"})
            return
        target = self._instance()
        target.delete_program(code, expected_version=target.server_version(code))
        self.emit({"event": "pruned", "path": path, "program": code})

    def _instance(self) -> Any:
        if self._target is None:
            from plansync.instance.address import open_instance

            self._target = open_instance(self.address, create=True)
        return self._target

    def _close(self) -> None:
        if self._target is not None:
            try:
                self._target.close()
            finally:
                self._target = None


def _counts(item: Any) -> dict[str, int]:
    """created / updated / deleted totals of an import report."""
    report = item.report
    if report is None:
        return {}
    totals = {"created": 0, "updated": 0, "deleted": 0}
    for counts in report.counts.values():
        totals["created"] += counts.created
        totals["updated"] += counts.updated
        totals["deleted"] += counts.deleted
    return totals
