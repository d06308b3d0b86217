"""Generate deterministic, realistic seed programs of any size (benchmark input).

    python bench/generate.py --tasks 100000 --seed 1 -o bench/out/p100k.seed.json

The same (tasks, seed, projects) always gives the same bytes. The document follows the seed
format v1 in canonical form: sorted keys and entity lists, defaults omitted, integral numbers as
ints. Shape: about one project per 2,000 tasks; a 3- or 4-level WBS whose summary tasks carry no
duration; about 1.5 dependencies per task, only between leaf tasks and always from an earlier leaf
to a later one (cross-project ones from an earlier project to a later one), so the program is
acyclic by construction. Every link is one that a planned schedule already honours, and statuses,
actuals, sprints and the baseline follow that plan, so work planned early is the work that is done.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TASKS_PER_PROJECT = 2000
MAX_AUTO_PROJECTS = 50
DEPS_PER_TASK = 1.5
LEAVES_PER_PACKAGE = 8
PROGRAM_START = dt.date(2026, 1, 5)  # a Monday


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOLIDAYS = tuple(
    f"{year}-{md}"
    for year in range(2026, 2031)
    for md in ("01-01", "05-01", "12-24", "12-25", "12-26", "12-31")
)

PROJECT_WORDS = _words(
    "analytics|billing|catalog|checkout|compliance|crm|data-lake|design-system|devices|"
    "docs|edge|email|fraud|gateway|growth|helpdesk|identity|infra|inventory|iot|kiosk|"
    "ledger|logistics|loyalty|maps|marketplace|media|messaging|mobile|monitoring|"
    "notifications|onboarding|partner-api|payments|payroll|platform|pricing|privacy|"
    "procurement|recommendations|reporting|search|security|shipping|storage|subscriptions|"
    "support|tax|telemetry|web|warehouse|workflow"
)
PHASES = _words(
    "Discovery|Architecture|Foundations|Core features|Integrations|Data migration|"
    "Hardening|Quality assurance|Pilot|Rollout|Training|Operations handover"
)
AREAS = _words(
    "Accounts|Admin console|Audit log|Authentication|Backups|Billing engine|Caching|"
    "CI pipeline|Dashboards|Event bus|Exports|Feature flags|File uploads|Localisation|"
    "Notifications|Onboarding flow|Permissions|Public API|Rate limiting|Reporting|"
    "Scheduler|Search index|Settings|Webhooks"
)
VERBS = _words(
    "Design|Specify|Prototype|Implement|Review|Test|Document|Deploy|Migrate|Configure|"
    "Benchmark|Refactor|Localise|Harden|Monitor|Validate"
)
OBJECTS = _words(
    "data model|REST endpoints|UI screens|error handling|retry logic|unit tests|"
    "integration tests|load test|schema migration|access rules|audit events|metrics|"
    "alerting|runbook|user guide|release notes|feature flag|backfill job|cache layer|"
    "client SDK|accessibility pass|security review"
)
RISK_TITLES = _words(
    "Key engineer unavailable|Vendor API changes late|Load exceeds estimates|"
    "Security review finds blockers|Data migration slower than planned|"
    "Scope creep from stakeholders|Hardware delivery slips|Licence renewal delayed|"
    "Test environment unstable|Regulatory sign-off delayed"
)
FIRST_NAMES = _words(
    "Ada|Ben|Chloé|Dmitri|Elena|Farid|Grace|Hiro|Ines|Jonas|Kofi|Lena|Mateo|Nadia|Omar|"
    "Priya|Quentin|Rosa|Sven|Tariq|Uma|Viktor|Wei|Ximena|Yusuf|Zoë"
)
LAST_NAMES = _words(
    "Almeida|Brandt|Chen|Dubois|Eriksen|Fischer|García|Haddad|Ivanova|Jensen|Kowalski|"
    "Lindqvist|Moreau|Nakamura|Okafor|Petrov|Quinn|Rossi|Schmidt|Tanaka|Usman|Varga|Weber|"
    "Yilmaz|Zhang"
)
ASCII = str.maketrans("éëíáóúñç", "eeiaounc")


@dataclass
class Leaf:
    """One leaf task while its project is being built (offsets in working days)."""

    wbs: str
    path: tuple[int, ...]
    length: float  # scheduled length: duration, PERT mean, or 0 for a milestone
    task: dict[str, Any]
    preds: list[tuple[int, str, float]] = field(default_factory=list)  # (leaf index, type, lag)
    start: float = 0.0  # planned, in working days from the project start
    first: str = ""  # planned dates
    last: str = ""


def generate_program(n_tasks: int, seed: int = 1, projects: int | None = None) -> dict[str, Any]:
    """A canonical v1 seed document with exactly `n_tasks` tasks, the same for the same inputs."""
    if n_tasks < 0:
        raise ValueError("n_tasks must be >= 0")
    if projects is None:
        projects = min(MAX_AUTO_PROJECTS, max(1, round(n_tasks / TASKS_PER_PROJECT)))
    if projects < 1:
        raise ValueError("projects must be >= 1")
    rng = random.Random(seed)
    resources = _resources(max(6, min(5000, n_tasks // 40)), rng)
    people = [r for r in resources if "email" in r]
    codes = _project_codes(projects)
    sizes = _split(n_tasks, projects, rng)
    built: list[tuple[dict[str, Any], list[Leaf]]] = []
    for index, (code, size) in enumerate(zip(codes, sizes, strict=True)):
        start = PROGRAM_START + dt.timedelta(weeks=rng.randrange(0, 27) if index else 0)
        built.append(_project(code, size, start, people, resources, rng))
    _cross_project_dependencies(built, rng)
    program = {
        "code": f"bench-{n_tasks}-s{seed}",
        "name": f"Benchmark program ({n_tasks:,} tasks, seed {seed})",
        "description": "Synthetic program generated by bench/generate.py.",
        "calendars": _calendars(),
        "resources": resources,
        "members": _program_members(people, rng),
        "projects": [project for project, _ in built],
    }
    return {"version": 1, "program": program}


# --- shape -------------------------------------------------------------------------------------


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` random, roughly even sizes (each >= 1 when there is enough)."""
    floor = 1 if total >= parts else 0
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    spare = total - floor * parts
    scale = spare / sum(weights)
    sizes = [floor + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def _level_counts(n: int, depth: int) -> list[int]:
    """Nodes per WBS level (the last level holds the leaves), shallower when n is too small."""
    for d in range(depth, 0, -1):
        if d == 1:
            return [n]
        packages = max(1, round(n / (LEAVES_PER_PACKAGE + 1)))
        phases = max(1, min(12, round(packages ** (1 / (d - 1)))))
        counts = [phases]
        if d == 4:
            counts.append(max(phases, min(packages, round((packages * phases) ** 0.5))))
        if d > 2:
            counts.append(max(counts[-1], packages))
        leaves = n - sum(counts)
        if leaves >= counts[-1]:
            return [*counts, leaves]
    raise AssertionError("unreachable")


def _wbs_paths(counts: list[int], rng: random.Random) -> list[tuple[int, ...]]:
    """Every WBS path in preorder (which is canonical order); every parent has >= 1 child."""
    fanouts = [[counts[0]]] + [
        _split(counts[k + 1], counts[k], rng) for k in range(len(counts) - 1)
    ]
    cursors = [0] * len(counts)
    out: list[tuple[int, ...]] = []

    def walk(prefix: tuple[int, ...], level: int) -> None:
        width = fanouts[level][cursors[level]]
        cursors[level] += 1
        for i in range(1, width + 1):
            path = (*prefix, i)
            out.append(path)
            if level + 1 < len(counts):
                walk(path, level + 1)

    if counts[0]:
        walk((), 0)
    return out


# --- projects ----------------------------------------------------------------------------------


def _project_codes(n: int) -> list[str]:
    words = sorted(PROJECT_WORDS)
    if n <= len(words):
        return sorted(_spread(words, n))
    return sorted(f"{words[i % len(words)]}-{i // len(words) + 1:03d}" for i in range(n))


def _spread(words: list[str], n: int) -> list[str]:
    """n words spread evenly over the list (no randomness, so codes depend only on n)."""
    return [words[i * len(words) // n] for i in range(n)]


def _project(
    code: str,
    size: int,
    start: dt.date,
    people: list[dict[str, Any]],
    resources: list[dict[str, Any]],
    rng: random.Random,
) -> tuple[dict[str, Any], list[Leaf]]:
    depth = 4 if rng.random() < 0.4 else 3
    paths = _wbs_paths(_level_counts(size, depth), rng)
    team = rng.sample(people, min(len(people), rng.randint(8, 30)))
    kit = [r for r in resources if "email" not in r]
    days = _WorkDays(start)
    tasks, leaves = _tasks(paths, rng)
    span = _plan(leaves, rng)
    _local_dependencies(leaves, round(DEPS_PER_TASK * size), rng)
    sprints = _sprints(start, span, days)
    _progress(leaves, span, days, team, kit, sprints, rng)
    members = sorted(
        [{"email": p["email"], "role": "editor"} for p in team[1:]]
        + [{"email": team[0]["email"], "role": "admin"}],
        key=lambda m: m["email"],
    )
    project = {
        "code": code,
        "name": code.replace("-", " ").title(),
        "description": f"The {code.replace('-', ' ')} workstream.",
        "start": start.isoformat(),
        "calendar": "standard",
        "members": members,
        "sprints": sprints,
        "tasks": tasks,
        "baselines": [_baseline(start, leaves, rng)] if leaves else [],
        "risks": _risks(paths, [m["email"] for m in members], rng),
    }
    return {k: v for k, v in project.items() if v != []}, leaves


def _tasks(
    paths: list[tuple[int, ...]], rng: random.Random
) -> tuple[list[dict[str, Any]], list[Leaf]]:
    tasks: list[dict[str, Any]] = []
    leaves: list[Leaf] = []
    names: dict[tuple[int, ...], str] = {}
    for i, path in enumerate(paths):
        wbs = ".".join(map(str, path))
        is_leaf = i + 1 == len(paths) or len(paths[i + 1]) <= len(path)
        if not is_leaf:
            names[path] = _summary_name(path, rng)
            tasks.append({"wbs": wbs, "name": names[path]})
            continue
        task: dict[str, Any] = {"wbs": wbs}
        length = _leaf_work(task, names.get(path[:-1], "Work package"), rng)
        tasks.append(task)
        leaves.append(Leaf(wbs, path, length, task))
    return tasks, leaves


def _summary_name(path: tuple[int, ...], rng: random.Random) -> str:
    if len(path) == 1:
        return PHASES[(path[0] - 1) % len(PHASES)] + (
            "" if path[0] <= len(PHASES) else f" {path[0]}"
        )
    return f"{rng.choice(AREAS)} {rng.choice(('module', 'service', 'release', 'workstream'))}"


def _leaf_work(task: dict[str, Any], parent: str, rng: random.Random) -> float:
    """Fill name, duration or estimate (and notes); return the scheduled length in days."""
    roll = rng.random()
    if roll < 0.03:
        task.update(name=f"{parent} signed off", duration=0, milestone=True)
        return 0.0
    task["name"] = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.02:
        task["notes"] = "Agreed in the planning review; see the design doc for details."
    if roll < 0.78:
        task["duration"] = _days(rng)
        return float(task["duration"])
    low = _days(rng)
    likely = low + rng.choice((0, 0.5, 1, 1, 2, 3))
    high = likely + rng.choice((1, 2, 3, 5, 8))
    task["estimate"] = {"optimistic": low, "likely": _num(likely), "pessimistic": _num(high)}
    return (low + 4 * likely + high) / 6


def _days(rng: random.Random) -> int | float:
    """A task length in working days: mostly whole days, sometimes a half."""
    whole = rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 5, 5, 5, 8, 10, 10, 15, 20))
    return whole - 0.5 if rng.random() < 0.1 else whole


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


# --- plan and dependencies ---------------------------------------------------------------------


def _plan(leaves: list[Leaf], rng: random.Random) -> float:
    """Give every leaf a planned start; return the planned length of the project.

    Leaves of one work package run one after the other, the packages of a phase run side by side,
    and each phase starts when most of the one before it is done. Links are only drawn where this
    plan already honours them, so the plan stays feasible and the project a believable length.
    """
    phase_start = phase_end = clock = 0.0
    phase: int | None = None
    package: tuple[int, ...] | None = None
    for leaf in leaves:
        if leaf.path[0] != phase:
            phase_start += 0.7 * (phase_end - phase_start)
            phase, phase_end = leaf.path[0], phase_start
        if leaf.path[:-1] != package:
            package, clock = leaf.path[:-1], phase_start + rng.randrange(0, 10)
        leaf.start = clock
        clock += leaf.length
        phase_end = max(phase_end, clock)
    return max((leaf.start + leaf.length for leaf in leaves), default=0.0)


def _local_dependencies(leaves: list[Leaf], target: int, rng: random.Random) -> None:
    """About `target` unique links, each from an earlier leaf to a later one (so no cycles)."""
    n = len(leaves)
    target = min(target, n * (n - 1) // 2)
    seen: set[tuple[int, int]] = set()
    attempts = 0
    while len(seen) < target and attempts < target * 20:
        attempts += 1
        to = rng.randrange(1, n)
        roll = rng.random()
        if roll < 0.7:  # the work just before: mostly the same work package
            back = 1 + min(int(rng.expovariate(0.6)), to - 1)
        elif roll < 0.95:
            back = 1 + min(int(rng.expovariate(0.02)), to - 1)
        else:
            back = rng.randint(1, to)
        frm, kind, lag = to - back, _dep_type(rng), _lag(rng)
        if (frm, to) in seen or not _honoured(leaves[frm], leaves[to], kind, lag):
            continue
        seen.add((frm, to))
        leaves[to].preds.append((frm, kind, lag))


def _honoured(pred: Leaf, succ: Leaf, kind: str, lag: float) -> bool:
    ref = pred.start if kind in ("SS", "SF") else pred.start + pred.length
    own = succ.start + succ.length if kind in ("FF", "SF") else succ.start
    return ref + lag <= own


def _dep_type(rng: random.Random) -> str:
    roll = rng.random()
    return "FS" if roll < 0.8 else "SS" if roll < 0.9 else "FF" if roll < 0.97 else "SF"


def _lag(rng: random.Random) -> int | float:
    if rng.random() < 0.85:
        return 0
    return rng.choice((-3, -2, -1, -1, 1, 1, 2, 2, 3, 5, 10, 0.5, -0.5))


def _cross_project_dependencies(
    built: list[tuple[dict[str, Any], list[Leaf]]], rng: random.Random
) -> None:
    """A few edges from a leaf of an earlier project into a later one, then the sorted lists."""
    for j, (project, leaves) in enumerate(built):
        deps = [
            _dependency(
                "", leaves[frm].wbs, leaves[to].path, leaves[to].wbs, kind, lag, leaves[frm].path
            )
            for to, leaf in enumerate(leaves)
            for frm, kind, lag in leaf.preds
        ]
        earlier = [(p["code"], ls) for p, ls in built[:j] if ls]
        linked: set[tuple[str, str, str]] = set()
        for _ in range(rng.randint(2, 8) if earlier and leaves else 0):
            other, other_leaves = rng.choice(earlier)
            src, dst = rng.choice(other_leaves), rng.choice(leaves)
            if src.last < dst.first and (other, src.wbs, dst.wbs) not in linked:
                linked.add((other, src.wbs, dst.wbs))
                deps.append(_dependency(other, src.wbs, dst.path, dst.wbs, "FS", 0, src.path))
        deps.sort(key=lambda d: d.pop("_key"))
        project["dependencies"] = deps
        if not deps:
            del project["dependencies"]


def _dependency(
    project: str,
    frm: str,
    to_path: tuple[int, ...],
    to: str,
    kind: str,
    lag: float,
    frm_path: tuple[int, ...],
) -> dict[str, Any]:
    dep: dict[str, Any] = {"from": f"{project}:{frm}" if project else frm, "to": to}
    if kind != "FS":
        dep["type"] = kind
    if lag:
        dep["lag"] = lag
    dep["_key"] = ((project, frm_path), ("", to_path), kind)
    return dep


# --- schedule-shaped data ----------------------------------------------------------------------


class _WorkDays:
    """Working-day offsets from a project start on the standard calendar -> dates."""

    def __init__(self, start: dt.date) -> None:
        self._days: list[dt.date] = []
        self._next = start
        self._holidays = set(HOLIDAYS)

    def date(self, offset: float) -> dt.date:
        i = max(0, int(offset))
        while len(self._days) <= i:
            day = self._next
            self._next += dt.timedelta(days=1)
            if day.weekday() < 5 and day.isoformat() not in self._holidays:
                self._days.append(day)
        return self._days[i]

    def span(self, start: float, length: float) -> tuple[str, str]:
        """Inclusive (start, finish) dates of work at `start` lasting `length` working days."""
        if length <= 0:
            at = self.date(start - 1) if start >= 1 else self.date(0)
            return at.isoformat(), at.isoformat()
        last = max(int(start), int(start + length - 1e-9))
        return self.date(start).isoformat(), self.date(last).isoformat()


def _sprints(start: dt.date, span: float, days: _WorkDays) -> list[dict[str, Any]]:
    """Two-week sprints over the first part of the project (10 working days each)."""
    count = max(2, min(26, int(span // 10) + 1))
    out: list[dict[str, Any]] = []
    for k in range(count):
        first, last = days.date(10 * k), days.date(10 * k + 9)
        out.append(
            {
                "code": f"s{k + 1:02d}",
                "name": f"Sprint {k + 1}",
                "start": first.isoformat(),
                "finish": last.isoformat(),
            }
        )
    return out


def _progress(
    leaves: list[Leaf],
    span: float,
    days: _WorkDays,
    team: list[dict[str, Any]],
    kit: list[dict[str, Any]],
    sprints: list[dict[str, Any]],
    rng: random.Random,
) -> None:
    """Status, progress, people, sprint and the odd constraint, judged against a status date."""
    status_at = span * rng.uniform(0.05, 0.25)
    for leaf in leaves:
        task, finish = leaf.task, leaf.start + leaf.length
        first, last = leaf.first, leaf.last = days.span(leaf.start, leaf.length)
        _status(task, leaf.start, finish, status_at, first, last, rng)
        if not task.get("milestone") and rng.random() < 0.7:
            pool = kit if kit and rng.random() < 0.02 else team
            task["assignees"] = sorted(
                r["code"] for r in rng.sample(pool, min(len(pool), 1 + (rng.random() < 0.12)))
            )
        sprint = int(leaf.start // 10)
        if sprint < len(sprints) and rng.random() < 0.5:
            task["sprint"] = sprints[sprint]["code"]
        roll = rng.random()
        if roll < 0.004:
            task["constraint"] = {"type": "start_no_earlier_than", "date": first}
        elif roll < 0.006:
            task["constraint"] = {
                "type": "finish_no_later_than",
                "date": days.date(finish + 5).isoformat(),
            }
        elif roll < 0.012:
            task["deadline"] = days.date(finish + 10).isoformat()


def _status(
    task: dict[str, Any],
    start: float,
    finish: float,
    now: float,
    first: str,
    last: str,
    rng: random.Random,
) -> None:
    roll = rng.random()
    if finish <= now:
        if roll < 0.03:
            task["status"] = "cancelled"
            return
        task.update(status="done", percent_complete=100, actual_start=first, actual_finish=last)
    elif start <= now:
        task.update(status="blocked" if roll < 0.15 else "in_progress", actual_start=first)
        pct = 5 * int(20 * (now - start) / max(finish - start, 1e-9))
        if 0 < pct < 100:
            task["percent_complete"] = pct
    elif roll < 0.02:
        task["status"] = "blocked"
    elif roll < 0.03:
        task["status"] = "cancelled"


def _baseline(start: dt.date, leaves: list[Leaf], rng: random.Random) -> dict[str, Any]:
    """The plan of record: a sample of the leaves with their planned dates at the time."""
    rows = []
    for i, leaf in enumerate(leaves):
        if i == 0 or rng.random() < 0.1:
            rows.append(
                {
                    "wbs": leaf.wbs,
                    "start": leaf.first,
                    "finish": leaf.last,
                    "duration": _num(round(leaf.length, 1)),
                }
            )
    taken = dt.datetime.combine(start - dt.timedelta(days=3), dt.time(9, 30))
    return {"name": "Plan of record", "taken": taken.strftime("%Y-%m-%dT%H:%M:%SZ"), "tasks": rows}


def _risks(
    paths: list[tuple[int, ...]], owners: list[str], rng: random.Random
) -> list[dict[str, Any]]:
    risks = []
    for k in range(rng.randint(2, 6) if paths else 0):
        refs = sorted(set(rng.sample(paths, min(len(paths), rng.randint(1, 3)))))
        risk: dict[str, Any] = {
            "code": f"risk-{k + 1:02d}",
            "title": rng.choice(RISK_TITLES),
            "probability": rng.choice((0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75)),
            "impact": rng.randint(1, 5),
            "status": rng.choice(("open", "open", "open", "mitigated", "closed")),
            "owner": rng.choice(owners),
            "tasks": [".".join(map(str, p)) for p in refs],
        }
        risks.append(risk)
    return risks


# --- program-wide entities ---------------------------------------------------------------------


def _calendars() -> list[dict[str, Any]]:
    return [
        {"code": "continuous", "workdays": list(WEEKDAYS)},
        {"code": "four-day", "workdays": list(WEEKDAYS[:4]), "holidays": list(HOLIDAYS)},
        {"code": "standard", "workdays": list(WEEKDAYS[:5]), "holidays": list(HOLIDAYS)},
    ]


def _resources(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """People (with unique emails), a little equipment and a contractor pool; codes r001..."""
    width = max(3, len(str(n)))
    used: set[str] = set()
    out: list[dict[str, Any]] = []
    for i in range(n):
        code = f"r{i + 1:0{width}d}"
        if i % 50 == 7:
            out.append(
                {
                    "code": code,
                    "name": f"Test rig {i // 50 + 1}",
                    "type": "equipment",
                    "calendar": "continuous",
                }
            )
            continue
        if i % 100 == 13:
            out.append(
                {
                    "code": code,
                    "name": f"Contractor pool {i // 100 + 1}",
                    "type": "generic",
                    "capacity": 3,
                }
            )
            continue
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower().translate(ASCII)
        email, k = f"{local}@example.com", 1
        while email in used:
            k += 1
            email = f"{local}{k}@example.com"
        used.add(email)
        person: dict[str, Any] = {
            "code": code,
            "name": f"{first} {last}",
            "email": email,
            "type": "person",
        }
        if rng.random() < 0.08:
            person.update(capacity=0.5, calendar="four-day")
        out.append(person)
    return out


def _program_members(people: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    picks = rng.sample(people, min(len(people), 8))
    roles = ["owner", "admin", "admin"] + ["editor"] * 4 + ["viewer"]
    members = [{"email": p["email"], "role": role} for p, role in zip(picks, roles, strict=False)]
    members.append({"email": "pmo@example.com", "role": "viewer"})
    return sorted(members, key=lambda m: m["email"])


# --- script ------------------------------------------------------------------------------------


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, required=True, help="number of tasks in the program")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    parser.add_argument(
        "--projects", type=int, default=None, help="default: one per 2,000 tasks, 1..50"
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="file to write (default stdout)"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    data = canonical_bytes(generate_program(args.tasks, args.seed, args.projects))
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(data)
        took = time.perf_counter() - began
        print(f"wrote {args.output} ({len(data) / 1e6:.1f} MB) in {took:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
