"""The OpenAPI 3.1 description of the REST API, exactly what plansync.server.app answers."""

from __future__ import annotations

import copy
import html as _html
import json
from functools import cache
from typing import Any

from plansync import __version__

_ERROR_CODES = {
    400: "The body is not a readable seed document (error.problems locate what is wrong), "
         "a header or parameter is malformed, or a query parameter is unknown.",
    401: "No token, or a token that is unknown or revoked.",
    403: "The account's role does not allow this.",
    404: "No such program, project or endpoint.",
    409: "If-Match / If-None-Match did not hold (someone changed the program meanwhile), or "
         "the document would replace an unrelated program with the same code.",
    413: "The body is over the server's size limit.",
    415: "The body is neither application/json nor application/yaml.",
    422: "The seed document parses but breaks the format's rules (error.problems).",
    503: "The instance's database failed or is busy; nothing was changed.",
}


def _error(status: int) -> dict[str, Any]:
    return {"description": _ERROR_CODES[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): _error(s) for s in sorted({400, *statuses, 503})}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
       "description": "A program's code or internal id."}
_IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
             "schema": {"type": "string",
                        "pattern": '^[ \\t]*(W/)?"?[1-9][0-9]{0,17}"?[ \\t]*$'},
             "description": "The server_version the program must have (409 if not)."}
_SECURED: list[dict[str, list[str]]] = [{"token": []}]


def _export(summary: str, id_description: str, description: str,
            timeline: bool = False) -> dict[str, Any]:
    extra = [{"name": "timeline", "in": "query", "required": False,
              "schema": {"enum": ["0", "1", "true", "false"]},
              "description": "1: the program with its history, as a version 2 document."},
             {"name": "since", "in": "query", "required": False,
              "schema": {"type": "string", "pattern":
                         "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$"},
              "description": "With timeline: keep the events at or after this date or time."}
             ] if timeline else []
    return {"get": {
        "summary": summary, "description": description, "security": _SECURED,
        "parameters": [{**_ID, "description": id_description}, *extra],
        "responses": {
            "200": {"description": "The canonical seed file, byte for byte what `plansync "
                    "export` writes, as an attachment.",
                    "headers": {
                        "Content-Disposition": {"schema": {"type": "string"},
                                                "description": 'attachment; filename="<code>.'
                                                'seed.json"'},
                        "ETag": {"schema": {"type": "string"},
                                 "description": 'The program\'s server_version, quoted ("3").'}},
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/SeedDocument"}}}},
            **_errors(401, 403, 404)}}}


@cache
def _spec() -> dict[str, Any]:
    from plansync.seed.schema import seed_schema

    seed = _rebased(copy.deepcopy(seed_schema()))
    summary = {
        "type": "object", "required": ["code", "name", "server_version", "projects", "tasks"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                       "server_version": {"type": "integer", "minimum": 1},
                       "projects": {"type": "integer", "minimum": 0},
                       "tasks": {"type": "integer", "minimum": 0}}}
    counts = {"type": "object", "required": ["created", "updated", "deleted", "unchanged"],
              "properties": {k: {"type": "integer", "minimum": 0}
                             for k in ("created", "updated", "deleted", "unchanged")}}
    emails = {"type": "array", "items": {"type": "string"}}
    record_head = {
        "type": "object",
        "required": ["program", "server_version", "digest", "commit", "repository", "path",
                     "at", "account"],
        "properties": {
            "program": {"type": "string"},
            "server_version": {"type": "integer", "minimum": 1},
            "digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "commit": {"type": ["string", "null"]},
            "repository": {"type": ["string", "null"]},
            "path": {"type": ["string", "null"]},
            "at": {"type": "string"}, "account": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "plansync instance", "version": __version__,
                 "description": "A team's project-management instance: programs in, programs "
                 "out, as canonical seed files. See docs/server.md."},
        "components": {
            "securitySchemes": {"token": {
                "type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <token>` or `Bearer <token>`; `plansync tokens create "
                "EMAIL` makes one."}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message", "problems"],
                    "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"},
                        "hint": {"type": "string", "description": "What to do about it."},
                        "problems": {"type": "array", "items": {
                            "type": "object",
                            "required": ["pointer", "line", "column", "code", "message"],
                            "properties": {"pointer": {"type": "string"},
                                           "line": {"type": "integer", "minimum": 0},
                                           "column": {"type": "integer", "minimum": 0},
                                           "code": {"type": "string"},
                                           "message": {"type": "string"},
                                           "hint": {"type": "string"}}}}}}}},
                "ProgramSummary": summary,
                "ProgramDetail": {"allOf": [{"$ref": "#/components/schemas/ProgramSummary"}, {
                    "type": "object",
                    "required": ["pending_memberships", "accounts_missing"],
                    "properties": {"pending_memberships": emails,
                                   "accounts_missing": emails}}]},
                "ImportReport": {
                    "type": "object",
                    "required": ["program", "status", "server_version", "dry_run", "counts",
                                 "pending_memberships", "created_users", "warnings"],
                    "properties": {
                        "program": {"type": "string"},
                        "status": {"enum": ["created", "updated", "unchanged"]},
                        "server_version": {"type": "integer", "minimum": 1},
                        "dry_run": {"type": "boolean"},
                        "counts": {"type": "object", "additionalProperties": counts},
                        "pending_memberships": emails,
                        "created_users": {"type": "array", "maxItems": 0},
                        "warnings": {"type": "array", "items": {"type": "string"}}}},
                "SeedDocument": seed,
                "SyncRecordHead": record_head,
                "SyncRecord": {"allOf": [
                    {"$ref": "#/components/schemas/SyncRecordHead"},
                    {"type": "object", "required": ["document"], "properties": {
                        "document": {"$ref": "#/components/schemas/SeedDocument"}}}]},
            }},
        "paths": {
            "/api/v1/health": {"get": {
                "summary": "Is the server up?", "security": [],
                "responses": {"200": _json({
                    "type": "object", "required": ["status", "version", "instance"],
                    "properties": {"status": {"const": "ok"}, "version": {"type": "string"},
                                   "instance": {"type": "string",
                                                "description": "The instance's identity."}}},
                    "The server answers, and its store is open."), "400": _error(400)}}},
            "/api/v1/programs/": {"get": {
                "summary": "The programs the caller can see", "security": _SECURED,
                "description": "Programs in which the account is a member of the program or of "
                "one of its projects (staff: all).",
                "responses": {"200": _json({"type": "array", "items": {
                    "$ref": "#/components/schemas/ProgramSummary"}}, "The programs, by code."),
                    **_errors(401)}}},
            "/api/v1/programs/{id}/": {
                "get": {
                    "summary": "One program's summary", "security": _SECURED,
                    "parameters": [_ID],
                    "responses": {"200": _json({"$ref": "#/components/schemas/ProgramDetail"},
                                               "The program, with its pending memberships."),
                                  **_errors(401, 403, 404)}},
                "delete": {
                    "summary": "Delete a program and everything in it", "security": _SECURED,
                    "description": "Needs the owner role in the program, or staff.",
                    "parameters": [_ID, _IF_MATCH],
                    "responses": {"204": {"description": "Deleted."},
                                  **_errors(401, 403, 404, 409)}}},
            "/api/v1/programs/{id}/sync/": {"get": {
                "summary": "A sync record of the program, with its document",
                "security": _SECURED,
                "description": "The newest record (or the newest at server_version): the "
                "document as synced (a base of a three-way sync), with the commit, path, "
                "time and account. 404 when there is none or its document is no longer "
                "kept. Needs a role in the program.",
                "parameters": [_ID, {"name": "server_version", "in": "query",
                                     "required": False,
                                     "schema": {"type": "string",
                                                "pattern": "^[1-9][0-9]{0,17}$"}}],
                "responses": {"200": _json({"$ref": "#/components/schemas/SyncRecord"},
                                           "The record."),
                              **_errors(401, 403, 404)}}},
            "/api/v1/programs/{id}/sync/history/": {"get": {
                "summary": "The program's sync records, newest first (no documents)",
                "security": _SECURED, "parameters": [_ID],
                "responses": {"200": _json({"type": "array", "items": {
                    "$ref": "#/components/schemas/SyncRecordHead"}}, "The records."),
                    **_errors(401, 403, 404)}}},
            "/api/v1/sync/": {"get": {
                "summary": "The seed file path of each synced program the caller can see",
                "security": _SECURED,
                "parameters": [{"name": "repository", "in": "query", "required": False,
                                "schema": {"type": "string", "pattern": "^[0-9a-f]{4,64}$"},
                                "description": "Only programs last synced from this "
                                "repository (its first commit); none: those with no "
                                "repository recorded."}],
                "responses": {"200": _json({"type": "object", "additionalProperties": {
                    "type": ["string", "null"]}}, "Program code -> path."),
                    **_errors(401)}}},
            "/api/v1/programs/{id}/export/": _export(
                "Export a program", "A program's code or internal id.",
                "Needs a role in the program (viewer or above).", timeline=True),
            "/api/v1/projects/{id}/export/": _export(
                "Export a project, wrapped in a program of its own",
                "A project's internal id, `<program>/<project>`, or a project code that only "
                "one program has.",
                "Needs a role in the project or its program (viewer or above). Archived "
                "projects export too."),
            "/api/v1/programs/import/": {"post": {
                "summary": "Import a seed document", "security": _SECURED,
                "description": "Replaces the program with the document's code (admin or owner "
                "of it), or creates it (staff only). Never creates accounts: memberships of "
                "emails without an account are kept as pending.",
                "parameters": [
                    {"name": "dry_run", "in": "query", "required": False,
                     "schema": {"enum": ["0", "1", "true", "false"]},
                     "description": "1: answer the report, write nothing."},
                    _IF_MATCH,
                    {"name": "sync_path", "in": "query", "required": False,
                     "schema": {"type": "string", "pattern": "^[^\\x00]{1,4096}$"},
                     "description": "Record this import as the program's last sync, from "
                     "this seed file path (the account is the caller's)."},
                    {"name": "sync_commit", "in": "query", "required": False,
                     "schema": {"type": "string", "pattern": "^[0-9a-f]{4,64}$"},
                     "description": "With sync_path: the Git commit the file came from."},
                    {"name": "sync_repository", "in": "query", "required": False,
                     "schema": {"type": "string", "pattern": "^[0-9a-f]{4,64}$"},
                     "description": "With sync_path: the repository (its first commit)."},
                    {"name": "If-None-Match", "in": "header", "required": False,
                     "schema": {"type": "string", "pattern": "^[ \\t]*[*][ \\t]*$"},
                     "description": "*: the program must not exist yet (409 if it does)."}],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/SeedDocument"}},
                    "application/yaml": {"schema": {"$ref": "#/components/schemas/SeedDocument"}},
                }},
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/ImportReport"},
                                 "Updated, unchanged, or (dry run) what would happen."),
                    "201": _json({"$ref": "#/components/schemas/ImportReport"},
                                 "The program was created."),
                    **_errors(400, 401, 403, 409, 413, 415, 422)}}},
            "/api/v1/openapi.json": {"get": {
                "summary": "This description", "security": [],
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1."),
                              "400": _error(400)}}},
            "/api/v1/docs": {"get": {
                "summary": "This description, for people", "security": [],
                "responses": {"200": {"description": "An HTML page.",
                                      "content": {"text/html": {"schema": {"type": "string"}}}},
                              "400": _error(400)}}},
        },
    }


def _rebased(schema: dict[str, Any]) -> dict[str, Any]:
    """The seed schema with its `#/$defs/...` references pointing into the OpenAPI document.

    One simplification: the per-type conditions of a timeline event (which keys each event
    type carries, 30 if/then rules) are left to the server's 422, which names the event and
    key; tools that generate requests from OpenAPI cannot combine that many conditions."""
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/SeedDocument/$defs/')
    data: dict[str, Any] = json.loads(text)
    data.pop("$schema", None)
    data.pop("$id", None)
    event = data["$defs"]["event"]
    event.pop("allOf", None)
    event["description"] += (" Which keys each type carries is in docs/seed-format.md; a "
                             "document that breaks it is answered 422.")
    return data


def spec() -> dict[str, Any]:
    return _spec()


def html() -> str:
    """A plain page listing every operation (no scripts from elsewhere)."""
    rows = []
    for path, operations in _spec()["paths"].items():
        for method, op in operations.items():
            statuses = ", ".join(op["responses"])
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>"
                        f"{_html.escape(path)}</code></td><td>{_html.escape(op['summary'])}"
                        f"<br><small>{_html.escape(op.get('description', ''))}</small></td>"
                        f"<td>{statuses}</td></tr>")
    return ("<!doctype html><html><head><meta charset='utf-8'><title>plansync API</title>"
            "</head><body><h1>plansync instance API</h1><p>Machine-readable: "
            "<a href='/api/v1/openapi.json'>/api/v1/openapi.json</a>. Authenticate with "
            "<code>Authorization: Token &lt;token&gt;</code>.</p><table border='1' "
            "cellpadding='4'><tr><th>method</th><th>path</th><th>what</th><th>answers</th></tr>"
            + "".join(rows) + "</table></body></html>")
