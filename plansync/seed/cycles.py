"""The dependency-cycle check of the semantic rules (plansync.seed.check).

The precedence graph of a program: a leaf task is one node, a summary task two (its start and
its finish, bracketing its children), so links to summaries and subtasks close cycles too.
Building that graph for a 100k-task plan is most of the semantic check's time, so a cheap
proof comes first: order every node by (project rank, wbs path), with a summary's finish after
all its subtasks. Every hierarchy edge goes forward in that order; when every link does too,
there is no cycle. Only when one link goes backward (or a wbs is not a path of integers, or a
project code or wbs repeats) is the graph built and searched, and the cycle named.
"""

from __future__ import annotations

from plansync.graph import find_cycle, topological_order
from plansync.seed.model import wbs_key

# A resolved link, (from project, from wbs, to project, to wbs), and where it is written:
# (the pointer of the project's dependency list with a trailing slash, the index in it).
LinkKey = tuple[str, str, str, str]
Links = dict[LinkKey, tuple[str, int]]

_AFTER = (float("inf"),)  # a summary's finish: after every subtask's path


class ProjectTasks:
    """The tasks of one project that have a string wbs: (index, task, wbs) in document order,
    every wbs (repeats kept), the set of them, and the set of their parents."""

    __slots__ = ("all", "items", "parents", "wbs")

    def __init__(self, items: list[tuple[int, dict[str, object], str]]) -> None:
        self.items = items
        self.wbs = [w for _, _, w in items]
        self.all = set(self.wbs)
        self.parents = {w.rpartition(".")[0] for w in self.all}


def program_cycle(projects: list[tuple[str, ProjectTasks]],
                  links: Links) -> tuple[list[str], str] | None:
    """One cycle as (task names along it, pointer of a dependency on it), or None.

    `projects`: (code, tasks) of each project with a string code, in document order; `links`:
    the program's resolved links in document order."""
    if _acyclic(projects, links):
        return None
    return _Graph(projects, links).find_cycle()


def _acyclic(projects: list[tuple[str, ProjectTasks]], links: Links) -> bool:
    """True when the graph surely has no cycle; False when it must be searched."""
    parents = {code: tasks.parents for code, tasks in projects}
    if len(parents) != len(projects):  # a code twice: its tasks meet in one graph
        return False
    if not links:  # the hierarchy alone loops only where a wbs is its own parent: ""
        return not any("" in tasks.all for _, tasks in projects)
    if any(len(t.all) != len(t.wbs) for _, t in projects):
        return False
    index = {code: n for n, code in enumerate(parents)}
    succs: list[list[int]] = [[] for _ in index]
    for src, _, dst, _ in links:
        if src != dst:
            succs[index[src]].append(index[dst])
    if len(topological_order(succs)) != len(succs):  # projects linked both ways
        return False
    # projects in that order: every link between two projects goes forward; check the others
    try:
        for _, tasks in projects:  # every node must have a place in the order
            for wbs in tasks.all:
                wbs_key(wbs)
        for src, src_wbs, dst, dst_wbs in links:
            if src == dst:
                before: tuple[float, ...] = wbs_key(src_wbs)
                if src_wbs in parents[src]:
                    before += _AFTER
                if not before < wbs_key(dst_wbs):
                    return False
    except ValueError:  # a wbs that is not a path of integers (the schema refuses it)
        return False
    return True


class _Graph:
    """Precedence graph of a program, integer nodes in document order."""

    def __init__(self, projects: list[tuple[str, ProjectTasks]], links: Links) -> None:
        self.names: list[tuple[str, str]] = []
        self.start: dict[tuple[str, str], int] = {}
        self.finish: dict[tuple[str, str], int] = {}
        self.dep_pointer: dict[tuple[int, int], str] = {}
        for code, tasks in projects:
            self._tasks(code, tasks.wbs, tasks.parents)
        self.edges: list[list[int]] = [[] for _ in self.names]
        self._hierarchy()
        for (src_code, src_wbs, dst_code, dst_wbs), (where, i) in links.items():
            src, dst = self.finish[(src_code, src_wbs)], self.start[(dst_code, dst_wbs)]
            self.edges[src].append(dst)
            self.dep_pointer.setdefault((src, dst), f"{where}{i}")

    def _tasks(self, code: str, wbs_all: list[str], parents: set[str]) -> None:
        names, start, finish = self.names, self.start, self.finish
        for wbs in wbs_all:
            key = (code, wbs)
            start[key] = len(names)
            names.append(key)
            if wbs in parents:
                names.append(key)
            finish[key] = len(names) - 1

    def _hierarchy(self) -> None:
        start, finish, edges = self.start, self.finish, self.edges
        for (code, wbs), node in start.items():
            parent = (code, wbs.rpartition(".")[0])
            if parent in start:
                edges[start[parent]].append(node)
                edges[finish[(code, wbs)]].append(finish[parent])

    def find_cycle(self) -> tuple[list[str], str] | None:
        order = topological_order(self.edges)
        if len(order) == len(self.edges):
            return None
        loop = find_cycle(self.edges, order)
        pointer = next((self.dep_pointer[(a, b)] for a, b in zip(loop, loop[1:], strict=False)
                        if (a, b) in self.dep_pointer), "/program")
        names = ["{}:{}".format(*self.names[n]) for n in loop]
        deduped = [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]
        return deduped, pointer
