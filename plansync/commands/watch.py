"""plansync watch [DIR] [--instance I] [--debounce MS] [--prune] [--once] [--format text|json]"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import click

from plansync.commands.common import color_option, limit_options, style
from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_OK
from plansync.seed.load import Limits


@click.command("watch")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@instance_option
@click.option("--debounce", type=click.IntRange(0, 60_000), default=200, show_default=True,
              metavar="MS", help="How long a file must be quiet (no more events) before it "
              "is looked at, in milliseconds.")
@click.option("--prune", is_flag=True, help="A deleted seed file deletes its program from "
              "the instance (default: a note, the program stays).")
@click.option("--once", is_flag=True, help="Sync what differs now, then exit.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format: a line, or one JSON object, per event.")
@color_option
@limit_options
def command(folder: str | None, instance: str | None, debounce: int, prune: bool, once: bool,
            fmt: str, limits: Limits) -> int:
    """Keep the instance in step with the seed files as people save them.

    At start, every seed file below FOLDER (default: the repository's) that differs from the
    instance is synced; then each file that changes is synced once it has been quiet for the
    debounce interval (however the editor saves it). An invalid file is reported and the
    instance left alone; drift and conflicts are reported, never overwritten (the same
    decisions as `plansync sync`, for files as saved: the records name no commit). Instance
    errors are retried with backoff. Ctrl-C or SIGTERM stops it, never in the middle of an
    import.
    """
    from plansync import gitrepo
    from plansync.instance.address import resolve_address
    from plansync.watch import Watcher

    start = Path(folder or ".").resolve()
    root = gitrepo.repository_root(start)
    watched = start if folder or root is None else root
    emit = _printer(fmt)
    watcher = Watcher(root or watched, watched, resolve_address(instance, root or watched),
                      emit, debounce / 1000, prune, limits)
    if root is not None:
        watcher.repository, watcher.account = gitrepo.identity(root)
        watcher.history = gitrepo.History(root)
        watcher.ignore = gitrepo.Ignored(root)
    if once:
        watcher.sync_all()
        return EXIT_OK
    stop = threading.Event()

    def stopping(signum: int, frame: Any) -> None:
        stop.set()
        watcher.stop()

    signal.signal(signal.SIGINT, stopping)
    signal.signal(signal.SIGTERM, stopping)
    watcher.run(stop)
    return EXIT_OK


def _printer(fmt: str) -> Any:
    from plansync.render.json_out import dumps
    from plansync.render.safe import escape

    def emit(event: dict[str, Any]) -> None:
        if fmt == "json":
            problems = event.get("problems")
            if problems is not None:
                from dataclasses import asdict

                event = {**event, "problems": [asdict(p) for p in problems]}
            click.echo(dumps({"at": _now(), **event}, indent=None))
            return
        click.echo(_line(event, escape), color=True)

    return emit


def _line(event: dict[str, Any], escape: Any) -> str:
    """One status line: time, file, program, what happened, how long it took."""
    from plansync.render.text import problem_line

    kind = event["event"]
    head = f"{time.strftime('%H:%M:%S')} {escape(event.get('path', ''))}".rstrip()
    if kind == "synced":
        counts = event["counts"]
        what = ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no row changed"
        return (f"{head}: {escape(event['program'])} {event['action']} ({what}), "
                f"server_version {event['server_version']}, {event['latency_ms']} ms")
    if kind == "invalid":
        lines = [style(f"{head}: invalid, the instance is left alone", fg="red")]
        return "\n".join(lines + [problem_line(p) for p in event["problems"]])
    if kind in ("drift", "conflict", "diverged", "moved"):
        return style(f"{head}: {escape(event['program'])} REFUSED ({kind}); nothing written: "
                     "`plansync sync --dry-run` shows both sides", fg="yellow")
    if kind == "error":
        return style(f"{head}: {escape(event['message'])}; retrying in "
                     f"{event['retry_in_s']:g} s", fg="red")
    if kind == "deleted":
        return f"{head}: {escape(event['program'])}: {event['message']}"
    if kind == "pruned":
        return f"{head}: {escape(event['program'])} deleted from the instance (--prune)"
    if kind == "watching":
        return f"watching {escape(event['folder'])} (debounce {event['debounce_ms']} ms)"
    if kind == "stopped":
        return "stopped"
    return f"{head}: {escape(event.get('program', ''))} {kind}"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
