"""plansync schedule FILE|PROGRAM [--project CODE] [--critical] [--conventions C] [--pert]"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from plansync.commands.common import color_option, echo, limit_options, status
from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_OK, PlansyncError, UsageError
from plansync.memory import no_gc_pauses
from plansync.render.safe import escape
from plansync.seed.load import Limits, is_seed_path
from plansync.seed.validate import valid_then

if TYPE_CHECKING:
    from plansync.schedule.report import Schedule, ScheduleRow

T = TypeVar("T")

conventions_option = click.option(
    "--conventions", type=click.Choice(("plansync", "msproject")), default=None,
    help="Scheduling rules: plansync (the documented CPM rules) or msproject "
    "(Microsoft Project's answer). Default: the plan's scheduling.conventions, else plansync.")

FORMATS = ("table", "json", "csv")  # plansync.render.schedule.RENDERERS, kept out of start-up


@click.command("schedule")
@click.argument("source", metavar="FILE|PROGRAM")
@instance_option
@click.option("--project", metavar="CODE", help="Show only this project's tasks and finish.")
@click.option("--critical", is_flag=True, help="Show only the tasks on the critical path.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help="Output format.")
@conventions_option
@click.option("--pert", is_flag=True, help="Add the PERT view: expected finish, its standard "
              "deviation, and P50/P80/P95 finish dates from a Monte Carlo run.")
@click.option("--samples", type=click.IntRange(1, 1_000_000), default=1000, show_default=True,
              help="Monte Carlo samples (with --pert).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same seed gives the same percentiles (with --pert).")
@color_option
@limit_options
def command(source: str, instance: str | None, project: str | None, critical: bool, fmt: str,
            conventions: str | None, pert: bool, samples: int, seed: int,
            limits: Limits) -> int:
    """Schedule a plan with the critical path method and show the result.

    FILE is a seed file (validated first); PROGRAM is the code (or UUID) of a program on the
    instance; anything else that is not an existing file is a usage error (exit 2).
    Dates are inclusive working days; floats are in working days. See docs/scheduling.md.
    """
    from plansync.render.schedule import RENDERERS
    from plansync.schedule.cpm import schedule
    from plansync.schedule.pert import pert_summary

    def output(doc: dict[str, Any]) -> str:
        status("scheduling")
        with scheduling_errors():
            result = schedule(doc, conventions)
            pert_result = pert_summary(doc, samples, seed, conventions) if pert else None
        return RENDERERS[fmt](result, chosen_rows(result, project, critical), pert_result)

    echo(with_plan(source, instance, limits, output))
    return EXIT_OK


@contextmanager
def scheduling_errors() -> Iterator[None]:
    """Scheduling, with a cycle or dates beyond what a calendar holds as a PlansyncError."""
    from plansync.schedule.cpm import CycleError

    try:
        with no_gc_pauses():
            yield
    except CycleError as exc:
        raise PlansyncError(str(exc), hint="remove or reverse one of these dependencies") \
            from exc
    except ValueError as exc:  # dates beyond what a calendar can hold
        raise PlansyncError(f"cannot schedule this plan: {exc}",
                            hint="check the project start dates and durations") from exc


def chosen_rows(result: Schedule, project: str | None, critical: bool) -> list[ScheduleRow]:
    """The rows of one project (--project) and only critical ones (--critical)."""
    rows = result.tasks
    if project:
        if project not in result.projects:
            raise PlansyncError(f"no project {project!r} in program {result.program!r}",
                                hint=f"its projects: {', '.join(result.projects)}")
        rows = [r for r in rows if r.project == project]
    if critical:
        rows = [r for r in rows if r.critical]
    return rows


def with_plan(source: str, instance: str | None, limits: Limits,
              work: Callable[[dict[str, Any]], T]) -> T:
    """`work(the plan's final state)` for FILE|PROGRAM: a file is validated while the work
    runs (see valid_then), a program is exported from the instance."""
    status(f"loading {source}")
    _check_source(source)
    if os.path.exists(source):
        from plansync.seed.events import final_state

        return valid_then(source, limits, lambda doc: work(final_state(doc)))
    return work(_program(source, instance))


# What names a program on an instance: its code, or its UUID.
PROGRAM = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def _check_source(source: str) -> None:
    if not os.path.exists(source) and (is_seed_path(source)
                                       or not PROGRAM.fullmatch(source)):
        raise UsageError(f"no such file: {escape(source)}",
                         hint="name a seed file, or the code of a program on the instance "
                         "(`plansync programs` lists them)")
    if os.path.isdir(source):
        raise UsageError(f"{escape(source)} is a folder", hint="name one seed file")


def _program(source: str, instance: str | None) -> dict[str, Any]:
    from plansync.instance.address import opened, resolve_address

    with opened(resolve_address(instance)) as target:
        return target.export_program(source)
