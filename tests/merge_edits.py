"""Edits of generated seed documents that keep them valid (shared by the merge tests).

An edit is a function of a document (changed in place) drawn with hypothesis; edits name
tasks by wbs, so several can be applied one after the other to the same document.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Doc = dict[str, Any]
Edit = Callable[[Doc], None]


def leaves(project: dict[str, Any]) -> list[str]:
    wbs = [t["wbs"] for t in project.get("tasks", [])]
    parents = {w.rpartition(".")[0] for w in wbs}
    return sorted((w for w in wbs if w not in parents),
                  key=lambda w: tuple(map(int, w.split("."))))


def task(doc: Doc, project: int, wbs: str) -> dict[str, Any]:
    return next(t for t in doc["program"]["projects"][project]["tasks"] if t["wbs"] == wbs)


def applied(doc: Doc, *edits: Edit) -> Doc:
    out = copy.deepcopy(doc)
    for edit in edits:
        edit(out)
    return out


# --- edits of one task's fields

def set_field(project: int, wbs: str, field: str, value: Any) -> Edit:
    def edit(doc: Doc) -> None:
        if value is None:
            task(doc, project, wbs).pop(field, None)
        else:
            task(doc, project, wbs)[field] = value
    return edit


def field_edits(doc: Doc, project: int, wbs: str, tag: str) -> st.SearchStrategy[Edit]:
    """An edit of one field of a task that keeps the document valid (tag makes values
    differ between sides)."""
    is_leaf = wbs in leaves(doc["program"]["projects"][project])
    milestone = task(doc, project, wbs).get("milestone") is True
    choices: list[st.SearchStrategy[Edit]] = [
        st.just(set_field(project, wbs, "name", f"{wbs} by {tag}")),
        st.just(set_field(project, wbs, "notes", f"noted by {tag}")),
        st.sampled_from(["todo", "in_progress", "blocked", "done"]).map(
            lambda s: set_field(project, wbs, "status", s)),
        st.sampled_from([0, 10, 55.5, 100]).map(
            lambda p: set_field(project, wbs, "percent_complete", p)),
        st.just(set_field(project, wbs, "deadline", "2027-01-0" + str(len(tag) % 9 + 1))),
    ]
    if is_leaf and not milestone:
        choices.append(st.integers(0, 30).map(lambda d: set_field(project, wbs, "duration", d)))
    return st.one_of(*choices)


# --- dependencies

def add_dependency(project: int, first: str, second: str, kind: str, lag: int) -> Edit:
    def edit(doc: Doc) -> None:
        deps = doc["program"]["projects"][project].setdefault("dependencies", [])
        if any({d["from"], d["to"]} == {first, second} for d in deps):
            return
        deps.append({"from": first, "to": second, "type": kind, "lag": lag})
    return edit


def set_lag(project: int, ends: tuple[str, str], lag: int) -> Edit:
    def edit(doc: Doc) -> None:
        for dep in doc["program"]["projects"][project].get("dependencies", []):
            if (dep["from"], dep["to"]) == ends:
                dep["lag"] = lag
    return edit


def remove_dependency(project: int, ends: tuple[str, str]) -> Edit:
    def edit(doc: Doc) -> None:
        p = doc["program"]["projects"][project]
        p["dependencies"] = [d for d in p.get("dependencies", [])
                             if (d["from"], d["to"]) != ends]
    return edit


# --- tasks added and removed

def add_task(project: int, wbs: str, name: str, duration: int) -> Edit:
    def edit(doc: Doc) -> None:
        doc["program"]["projects"][project]["tasks"].append(
            {"wbs": wbs, "name": name, "duration": duration})
    return edit


def remove_leaf(project: int, wbs: str) -> Edit:
    """Remove a leaf task and everything that names it."""
    def edit(doc: Doc) -> None:
        target = doc["program"]["projects"][project]
        code = target["code"]
        target["tasks"] = [t for t in target["tasks"] if t["wbs"] != wbs]
        for p in doc["program"]["projects"]:
            p["dependencies"] = [d for d in p.get("dependencies", [])
                                 if _names(d["from"], p["code"]) != (code, wbs)
                                 and _names(d["to"], p["code"]) != (code, wbs)]
        for risk in target.get("risks", []):
            risk["tasks"] = [w for w in risk.get("tasks", []) if w != wbs]
        for baseline in target.get("baselines", []):
            baseline["tasks"] = [t for t in baseline.get("tasks", []) if t["wbs"] != wbs]
    return edit


def _names(ref: str, own: str) -> tuple[str, str]:
    project, _, wbs = ref.rpartition(":")
    return project or own, wbs


def next_top(doc: Doc, project: int, skip: int = 0) -> str:
    tops = [int(t["wbs"]) for t in doc["program"]["projects"][project]["tasks"]
            if "." not in t["wbs"]]
    return str(max(tops, default=0) + 1 + skip)


def add_child(project: int, wbs: str, name: str) -> Edit:
    """A first subtask under a leaf task (which becomes a summary: its work moves down)."""
    def edit(doc: Doc) -> None:
        parent = task(doc, project, wbs)
        work = {k: parent.pop(k) for k in ("duration", "estimate") if k in parent}
        parent.pop("milestone", None)
        doc["program"]["projects"][project]["tasks"].append(
            {"wbs": f"{wbs}.1", "name": name, **work})
    return edit


def valid(doc: Doc) -> bool:
    from plansync.seed.canonical import canonical_bytes
    from plansync.seed.validate import validate_bytes

    return validate_bytes("side.seed.json", canonical_bytes(doc)).ok


def remove_project(project: int) -> Edit:
    """Remove a project and every link of another project to it."""
    def edit(doc: Doc) -> None:
        code = doc["program"]["projects"][project]["code"]
        del doc["program"]["projects"][project]
        for p in doc["program"]["projects"]:
            p["dependencies"] = [d for d in p.get("dependencies", [])
                                 if _names(d["from"], p["code"])[0] != code
                                 and _names(d["to"], p["code"])[0] != code]
    return edit


def remove_resource(code: str) -> Edit:
    """Remove a resource and every assignment of it."""
    def edit(doc: Doc) -> None:
        program = doc["program"]
        program["resources"] = [r for r in program.get("resources", []) if r["code"] != code]
        for p in program["projects"]:
            for t in p["tasks"]:
                if code in t.get("assignees", []):
                    t["assignees"] = [a for a in t["assignees"] if a != code]
    return edit


def set_path(path: list[Any], value: Any) -> Edit:
    """Set (or with None remove) the value at a path of keys and list indexes."""
    def edit(doc: Doc) -> None:
        holder: Any = doc
        for part in path[:-1]:
            holder = holder[part]
        if value is None:
            holder.pop(path[-1], None)
        else:
            holder[path[-1]] = value
    return edit


def add_member(project: int | None, email: str, role: str) -> Edit:
    def edit(doc: Doc) -> None:
        holder = doc["program"] if project is None else doc["program"]["projects"][project]
        members = holder.setdefault("members", [])
        if all(m["email"] != email for m in members):
            members.append({"email": email, "role": role})
    return edit


@st.composite
def other_edit(draw: Any, doc: Doc, tag: str) -> Edit:
    """An edit of anything but tasks and links: projects, resources, members, sprints,
    risks, program and project fields."""
    program = doc["program"]
    index = draw(st.integers(0, len(program["projects"]) - 1))
    project = program["projects"][index]
    kind = draw(st.sampled_from(["drop-project", "drop-resource", "resource", "member",
                                 "project", "program", "sprint", "risk"]))
    if kind == "drop-project" and len(program["projects"]) > 1:
        return remove_project(index)
    if kind == "drop-resource" and program.get("resources"):
        return remove_resource(draw(st.sampled_from(program["resources"]))["code"])
    if kind == "resource" and program.get("resources"):
        at = draw(st.integers(0, len(program["resources"]) - 1))
        return set_path(["program", "resources", at, "name"], f"{tag} resource")
    if kind == "member":
        return add_member(draw(st.sampled_from([None, index])),
                          draw(st.sampled_from(["x@example.com", "y@example.com"])),
                          draw(st.sampled_from(["viewer", "editor"])))
    if kind == "project":
        return set_path(["program", "projects", index, draw(st.sampled_from(
            ["name", "description"]))], f"{tag} project")
    if kind == "sprint" and project.get("sprints"):
        at = draw(st.integers(0, len(project["sprints"]) - 1))
        return set_path(["program", "projects", index, "sprints", at, "name"], f"{tag} sprint")
    if kind == "risk" and project.get("risks"):
        return set_path(["program", "projects", index, "risks", 0, "probability"],
                        draw(st.sampled_from([0.1, 0.5, 0.9])))
    return set_path(["program", draw(st.sampled_from(["name", "description"]))],
                    f"{tag} program")


@st.composite
def risky_edit(draw: Any, doc: Doc, tag: str) -> Edit:
    """An edit that may break a rule once merged with another side's (a link backwards, a
    subtask under a leaf, work on a task), or even on its own (then it is not applied)."""
    project = draw(st.integers(0, len(doc["program"]["projects"]) - 1))
    p = doc["program"]["projects"][project]
    tasks = [t["wbs"] for t in p["tasks"]]
    ends = leaves(p)
    kind = draw(st.sampled_from(["link", "child", "work"]))
    if kind == "link" and len(tasks) > 1:
        a, b = draw(st.lists(st.sampled_from(tasks), min_size=2, max_size=2, unique=True))
        return add_dependency(project, a, b, "FS", 0)
    if kind == "child" and ends:
        return add_child(project, draw(st.sampled_from(ends)), f"sub by {tag}")
    return set_field(project, draw(st.sampled_from(tasks)), "duration", draw(st.integers(1, 9)))


@st.composite
def any_edit(draw: Any, doc: Doc, tag: str) -> Edit:
    """One valid edit of any kind (for documents whose sides may conflict)."""
    project = draw(st.integers(0, len(doc["program"]["projects"]) - 1))
    p = doc["program"]["projects"][project]
    tasks = [t["wbs"] for t in p["tasks"]]
    ends = leaves(p)
    deps = [(d["from"], d["to"]) for d in p.get("dependencies", [])
            if ":" not in d["from"] + d["to"]]
    kind = draw(st.sampled_from(["field", "field", "add", "remove", "link", "lag", "unlink"]))
    if kind == "add":
        return add_task(project, next_top(doc, project, draw(st.integers(0, 1))),
                        f"new by {tag}", draw(st.integers(1, 5)))
    if kind == "remove" and len(ends) > 1:
        return remove_leaf(project, draw(st.sampled_from(ends)))
    if kind == "link" and len(ends) > 1:
        a, b = sorted(draw(st.lists(st.integers(0, len(ends) - 1), min_size=2, max_size=2,
                                    unique=True)))
        return add_dependency(project, ends[a], ends[b], draw(st.sampled_from(["FS", "SS"])),
                              draw(st.integers(-2, 3)))
    if kind == "lag" and deps:
        return set_lag(project, draw(st.sampled_from(deps)), draw(st.integers(-3, 5)))
    if kind == "unlink" and deps:
        return remove_dependency(project, draw(st.sampled_from(deps)))
    return draw(field_edits(doc, project, draw(st.sampled_from(tasks)), tag))
