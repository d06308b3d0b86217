"""Identity properties of import, over generated documents, on every store kind."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plansync.seed.canonical import canonical_bytes
from tests.strategies import documents

PROGRAM = "(SELECT id FROM programs WHERE code = ?)"
IDENTITY_QUERIES = {
    "projects": f"SELECT code, id FROM projects WHERE program_id = {PROGRAM}",
    "tasks": "SELECT p.code || ':' || t.wbs, t.id || ' ' || t.short_id FROM tasks t "
             f"JOIN projects p ON t.project_id = p.id WHERE p.program_id = {PROGRAM}",
    "dependencies": "SELECT from_task_id || '>' || to_task_id, d.id FROM dependencies d "
                    f"JOIN projects p ON d.project_id = p.id WHERE p.program_id = {PROGRAM}",
    "resources": f"SELECT code, id FROM resources WHERE program_id = {PROGRAM}",
    "sprints": "SELECT p.code || ':' || s.code, s.id FROM sprints s "
               f"JOIN projects p ON s.project_id = p.id WHERE p.program_id = {PROGRAM}",
}


def identities(instance: Any, program: str) -> dict[str, dict[str, str]]:
    return {kind: dict(instance.conn.execute(sql, (program,)))
            for kind, sql in IDENTITY_QUERIES.items()}


@given(doc=documents(), data=st.data())
def test_renaming_one_task_touches_one_row_and_no_identity(new_store: Callable[[], Any],
                                                           doc: dict[str, Any],
                                                           data: st.DataObject) -> None:
    instance = new_store()
    instance.import_document(doc)
    before = identities(instance, doc["program"]["code"])
    projects = doc["program"]["projects"]
    p = data.draw(st.integers(0, len(projects) - 1))
    t = data.draw(st.integers(0, len(projects[p]["tasks"]) - 1))
    changed = copy.deepcopy(doc)
    changed["program"]["projects"][p]["tasks"][t]["name"] += "!"

    report = instance.import_document(changed)

    assert report.status == "updated" and report.server_version == 2
    changed_kinds = {k: (c.created, c.updated, c.deleted) for k, c in report.counts.items()
                     if c.changed}
    assert changed_kinds == {"tasks": (0, 1, 0)}
    assert identities(instance, doc["program"]["code"]) == before
    assert canonical_bytes(instance.export_program(doc["program"]["code"])) == \
        canonical_bytes(changed)


@given(doc=documents(), data=st.data())
def test_project_export_reimport_leaves_the_parent_alone(new_store: Callable[[], Any],
                                                         doc: dict[str, Any],
                                                         data: st.DataObject) -> None:
    instance = new_store()
    instance.import_document(doc)
    code = doc["program"]["code"]
    parent = canonical_bytes(instance.export_program(code))
    before = identities(instance, code)
    projects = doc["program"]["projects"]
    project = projects[data.draw(st.integers(0, len(projects) - 1))]["code"]

    exported = instance.export_project(code, project)
    if exported["program"]["code"] == code:  # a code that collides cannot be a new program
        return
    report = instance.import_document(exported)

    assert report.status in ("created", "unchanged")
    assert canonical_bytes(instance.export_program(code)) == parent
    assert instance.server_version(code) == 1
    assert identities(instance, code) == before
