"""The team instance's REST API: a Starlette application over a store (see docs/server.md).

Every handler does its database work in a worker thread, on that thread's own connection to
the store, so requests never share a transaction. Errors are JSON, never a stack trace:
{"error": {"code", "message", "problems": [...]}}.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plansync import __version__
from plansync.errors import PlansyncError
from plansync.instance import accounts
from plansync.instance.accounts import Account
from plansync.instance.base import NotFound, SyncStamp, VersionConflict
from plansync.instance.importer import ProgramClash
from plansync.seed.canonical import canonical_bytes
from plansync.seed.load import Limits

LOG = logging.getLogger("plansync.server")
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


class ApiError(Exception):
    """An answer other than success: HTTP status, error code, message, located problems."""

    def __init__(self, status: int, code: str, message: str,
                 problems: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.hint = status, code, message, hint
        self.problems = problems or []
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        error: dict[str, Any] = {"code": self.code, "message": self.message,
                                 "problems": self.problems}
        if self.hint:
            error["hint"] = self.hint
        return JSONResponse({"error": error},
                            status_code=self.status, headers=self.headers)


class _Stores:
    """One store connection per worker thread (a store connection is not shared)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.local = threading.local()
        self.opened: list[Any] = []
        self.lock = threading.Lock()

    def get(self) -> Any:
        store = getattr(self.local, "store", None)
        if store is None:
            from plansync.instance.address import open_instance

            store = self.local.store = open_instance(self.address, create=True)
            with self.lock:
                self.opened.append(store)
        return store

    def close(self) -> None:
        with self.lock:
            for store in self.opened:
                store.close()
            self.opened.clear()


def create_app(address: str, limits: Limits | None = None) -> Starlette:
    """The ASGI application serving the instance at `address` (a store: sqlite:///...)."""
    limits = limits or Limits.from_env()
    from plansync.instance.address import open_instance

    open_instance(address, create=True).close()  # a broken store fails now, not per request
    stores = _Stores(address)

    async def work(request: Request, fn: Callable[..., Any], *args: Any,
                   query: tuple[str, ...] = ()) -> Any:
        """Run fn(store, account, *args) in a worker thread; map our errors to answers.
        `query`: the query parameters the endpoint takes (any other is a 400)."""
        _only_query(request, query)
        if any("\x00" in str(v) for v in request.path_params.values()):
            raise ApiError(404, "not-found", "no such program or project (a NUL in its name)")
        header = request.headers.get("authorization", "")

        def call() -> Any:
            store = stores.get()
            account = _authenticate(store, header)
            request.scope.setdefault("state", {})["account"] = account.email if account \
                else "-"
            return fn(store, account, *args)

        try:
            return await run_in_threadpool(call)
        except ApiError:
            raise
        except NotFound as exc:
            raise ApiError(404, "not-found", exc.message, hint=exc.hint) from exc
        except VersionConflict as exc:
            raise ApiError(409, "conflict", exc.message,
                           headers={"ETag": f'"{exc.actual}"'} if exc.actual else {}) from exc
        except ProgramClash as exc:
            raise ApiError(409, "program-clash", exc.message, hint=exc.hint) from exc
        except accounts.Forbidden as exc:
            raise ApiError(403, "forbidden", exc.message) from exc
        except PlansyncError as exc:
            raise ApiError(503, "instance-error", exc.message) from exc
        except Exception as exc:
            LOG.exception("unexpected error on %s %s", request.method, request.url.path)
            raise ApiError(500, "internal", "the server failed unexpectedly; the request "
                           "changed nothing (see the server's log)") from exc

    async def health(request: Request) -> Response:
        _only_query(request, ())
        identity = await run_in_threadpool(lambda: stores.get().identity())
        return JSONResponse({"status": "ok", "version": __version__, "instance": identity})

    async def programs(request: Request) -> Response:
        return JSONResponse(await work(request, _programs))

    async def program(request: Request) -> Response:
        return JSONResponse(await work(request, _program, request.path_params["id"]))

    async def export_program(request: Request) -> Response:
        timeline = _flag(request.query_params.get("timeline", "0"), "timeline")
        since = _text_param(request, "since",
                            r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?")
        return _attachment(*await work(request, _export_program, request.path_params["id"],
                                       timeline, since, query=("timeline", "since")))

    async def export_project(request: Request) -> Response:
        return _attachment(*await work(request, _export_project, request.path_params["id"]))

    async def program_sync(request: Request) -> Response:
        version = request.query_params.get("server_version")
        if version is not None and _version(version) is None:
            raise ApiError(400, "bad-parameter", f"server_version is a positive whole "
                           f"number, not {version!r}")
        return JSONResponse(await work(request, _sync_record, request.path_params["id"],
                                       None if version is None else _version(version),
                                       query=("server_version",)))

    async def program_sync_history(request: Request) -> Response:
        return JSONResponse(await work(request, _sync_history, request.path_params["id"]))

    async def synced(request: Request) -> Response:
        repository = _text_param(request, "repository", r"[0-9a-f]{4,64}")
        return JSONResponse(await work(request, _synced, repository, query=("repository",)))

    async def delete_program(request: Request) -> Response:
        await work(request, _delete, request.path_params["id"], _expected_version(request))
        return Response(status_code=204)

    async def import_program(request: Request) -> Response:
        taken = ("dry_run", "sync_path", "sync_commit", "sync_repository")
        await work(request, lambda store, account: _required(account),  # 401 before the body
                   query=taken)
        kind = _body_kind(request.headers.get("content-type", ""))
        body = await _read_body(request, limits.max_bytes)
        doc = _parse_seed(kind, body, limits)
        dry_run = _flag(request.query_params.get("dry_run", "0"))
        expected = _expected_version(request)
        path = _text_param(request, "sync_path", r"[^\x00]{1,4096}")
        commit = _text_param(request, "sync_commit", r"[0-9a-f]{4,64}")
        repository = _text_param(request, "sync_repository", r"[0-9a-f]{4,64}")
        report = await work(request, _import, doc, dry_run, expected, path, commit,
                            repository, query=taken)
        status = 201 if report["status"] == "created" and not dry_run else 200
        return JSONResponse(report, status_code=status,
                            headers={"ETag": f'"{report["server_version"]}"'})

    async def openapi(request: Request) -> Response:
        _only_query(request, ())
        from plansync.server.openapi import spec

        return JSONResponse(spec())

    async def docs(request: Request) -> Response:
        _only_query(request, ())
        from plansync.server.openapi import html

        return HTMLResponse(html())

    async def not_found(request: Request, exc: Exception) -> Response:
        return ApiError(404, "not-found", f"no such endpoint: {request.url.path}").response()

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return ApiError(405, "method-not-allowed",
                        f"{request.method} is not allowed on {request.url.path}").response()

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return exc.response()

    async def crash(request: Request, exc: Exception) -> Response:
        LOG.error("unexpected error on %s %s: %r", request.method, request.url.path, exc)
        return ApiError(500, "internal", "the server failed unexpectedly; the request "
                        "changed nothing (see the server's log)").response()

    routes = [
        Route("/api/v1/health", health, methods=["GET"]),
        Route("/api/v1/programs/", programs, methods=["GET"]),
        Route("/api/v1/programs/import/", import_program, methods=["POST"]),
        Route("/api/v1/programs/{id}/", program, methods=["GET"]),
        Route("/api/v1/programs/{id}/", delete_program, methods=["DELETE"]),
        Route("/api/v1/programs/{id}/sync/", program_sync, methods=["GET"]),
        Route("/api/v1/programs/{id}/sync/history/", program_sync_history, methods=["GET"]),
        Route("/api/v1/sync/", synced, methods=["GET"]),
        Route("/api/v1/programs/{id}/export/", export_program, methods=["GET"]),
        Route("/api/v1/projects/{id:path}/export/", export_project, methods=["GET"]),
        Route("/api/v1/openapi.json", openapi, methods=["GET"]),
        Route("/api/v1/docs", docs, methods=["GET"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(RequestLog)], exception_handlers={
        ApiError: api_error, 404: not_found, 405: not_allowed, Exception: crash},
        lifespan=_lifespan(stores))


def _lifespan(stores: _Stores) -> Any:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        stores.close()

    return lifespan


# -- the work, in a worker thread ---------------------------------------------------------------

def _authenticate(store: Any, header: str) -> Account | None:
    if not header:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer") or not secret.strip():
        raise ApiError(401, "unauthenticated", "use the header Authorization: Token <token> "
                       "(or Bearer <token>)", headers={"WWW-Authenticate": "Token"})
    account = accounts.account_for_token(store.conn, secret.strip())
    if account is None:
        raise ApiError(401, "unauthenticated", "the token is unknown or revoked",
                       headers={"WWW-Authenticate": "Token"})
    return account


def _required(account: Account | None) -> Account:
    if account is None:
        raise ApiError(401, "unauthenticated", "this needs a token: Authorization: Token "
                       "<token> (an instance admin makes one with `plansync tokens create`)",
                       headers={"WWW-Authenticate": "Token"})
    return account


def _programs(store: Any, account: Account | None) -> list[dict[str, Any]]:
    who = _required(account)
    found = []
    for summary in store.programs():
        if accounts.can_see(store.conn, who, store.program_id(summary.code)):
            found.append(_summary(summary))
    return found


def _summary(summary: Any) -> dict[str, Any]:
    return {"code": summary.code, "name": summary.name,
            "server_version": summary.server_version, "projects": summary.projects,
            "tasks": summary.tasks}


def _program(store: Any, account: Account | None, ref: str) -> dict[str, Any]:
    who = _required(account)
    program_id = store.program_id(ref)
    if not accounts.can_see(store.conn, who, program_id):
        raise accounts.Forbidden(f"{who.email} is not a member of program {ref!r}")
    summary = next(s for s in store.programs() if store.program_id(s.code) == program_id)
    gaps = store.account_gaps(program_id)
    return {**_summary(summary), "pending_memberships": gaps.members,
            "accounts_missing": gaps.all}


def _export_program(store: Any, account: Account | None, ref: str, timeline: bool = False,
                    since: str | None = None) -> tuple[str, bytes, int]:
    who = _required(account)
    program_id = store.program_id(ref)
    if not accounts.can_read_program(store.conn, who, program_id):
        raise accounts.Forbidden(f"exporting program {ref!r} needs a role in the program "
                                 f"(viewer or above); {who.email} has none")
    doc = store.export_timeline(program_id, since) if timeline \
        else store.export_program(program_id)
    return doc["program"]["code"], canonical_bytes(doc), store.server_version(program_id)


def _export_project(store: Any, account: Account | None, ref: str
                    ) -> tuple[str, bytes, int]:
    who = _required(account)
    program, project, project_id = store.locate_project(ref)
    program_id = store.program_id(program)
    if not accounts.can_read_project(store.conn, who, program_id, project_id):
        raise accounts.Forbidden(f"exporting project {project!r} needs a role in it or in "
                                 f"program {program!r} (viewer or above); {who.email} has none")
    doc = store.export_project(program, project)
    return doc["program"]["code"], canonical_bytes(doc), store.server_version(program_id)


def _readable(store: Any, who: Account, ref: str) -> str:
    program_id: str = store.program_id(ref)
    if not accounts.can_read_program(store.conn, who, program_id):
        raise accounts.Forbidden(f"the sync records of program {ref!r} need a role in the "
                                 f"program (viewer or above); {who.email} has none")
    return program_id


def _sync_record(store: Any, account: Account | None, ref: str,
                 version: int | None) -> dict[str, Any]:
    program_id = _readable(store, _required(account), ref)
    record = store.sync_record(program_id, version)
    if record is None:
        raise ApiError(404, "no-sync-record", f"program {ref!r} has no sync record"
                       + ("" if version is None else f" at server_version {version}")
                       + " with its document", hint="plansync sync records it")
    result: dict[str, Any] = record.as_dict()
    return result


def _sync_history(store: Any, account: Account | None, ref: str) -> list[dict[str, Any]]:
    program_id = _readable(store, _required(account), ref)
    return [{k: v for k, v in r.as_dict().items() if k != "document"}
            for r in store.sync_history(program_id)]


def _synced(store: Any, account: Account | None, repository: str | None
            ) -> dict[str, str | None]:
    who = _required(account)
    return {code: path for code, path in store.synced_paths(repository).items()
            if accounts.can_see(store.conn, who, store.program_id(code))}


def _delete(store: Any, account: Account | None, ref: str, expected: int | None) -> None:
    who = _required(account)

    def authorize(program_id: str | None) -> None:
        if not accounts.can_delete(store.conn, who, program_id):
            raise accounts.Forbidden(f"deleting program {ref!r} needs the owner role in it "
                                     f"(or a staff account); {who.email} has not")

    store.delete_program(ref, expected_version=expected, authorize=authorize)


def _import(store: Any, account: Account | None, doc: dict[str, Any], dry_run: bool,
            expected: int | None, path: str | None = None, commit: str | None = None,
            repository: str | None = None) -> dict[str, Any]:
    who = _required(account)
    code = doc["program"]["code"]

    def authorize(program_id: str | None) -> None:
        if not accounts.can_replace(store.conn, who, program_id):
            need = ("a staff account (only staff import new programs)" if program_id is None
                    else "the admin or owner role in it")
            raise accounts.Forbidden(f"importing program {code!r} needs {need}; "
                                     f"{who.email} has not")

    stamp = None if path is None else SyncStamp(path, commit or None, who.email,
                                                repository or None)
    report = store.import_document(doc, create_users=False, dry_run=dry_run,
                                   expected_version=expected, record=stamp,
                                   authorize=authorize, actor=who.email)
    result: dict[str, Any] = report.as_dict()
    return result


# -- requests and answers -----------------------------------------------------------------------

def _attachment(code: str, data: bytes, version: int) -> Response:
    """The export's bytes (made in the worker thread, off the event loop) as a download."""
    return Response(data, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="{code}.seed.json"',
        "ETag": f'"{version}"'})


def _body_kind(content_type: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    if media in JSON_TYPES:
        return "json"
    if media in YAML_TYPES:
        return "yaml"
    raise ApiError(415, "unsupported-media-type",
                   f"a seed document is sent as application/json or application/yaml, not "
                   f"{media or 'without a Content-Type'}")


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and _WHOLE.fullmatch(declared) and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too-large", f"the body is over the limit of {limit:,} bytes "
                    "(the server's --max-file-size)")


def _parse_seed(kind: str, body: bytes, limits: Limits) -> dict[str, Any]:
    """The document, or 400 (it does not parse) / 422 (it parses but breaks a rule)."""
    from plansync.seed.validate import validate_bytes

    result = validate_bytes(f"request.seed.{kind}", body, limits)
    if not result.problems and result.seed is not None:
        doc: dict[str, Any] = result.seed.doc
        return doc
    problems = [{"pointer": p.pointer, "line": p.line, "column": p.column, "code": p.code,
                 "message": p.message, "hint": p.hint} for p in result.problems]
    if result.seed is None:
        raise ApiError(400, "invalid-seed", "the body is not a readable seed document",
                       problems)
    raise ApiError(422, "invalid-seed", "the seed document breaks the format's rules",
                   problems)


def _only_query(request: Request, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) or "none"
        raise ApiError(400, "bad-parameter", f"unknown query parameter {unknown[0]!r} "
                       f"(this endpoint takes: {takes})")


def _text_param(request: Request, name: str, pattern: str) -> str | None:
    value = request.query_params.get(name)
    if value is not None and re.fullmatch(pattern, value) is None:
        raise ApiError(400, "bad-parameter", f"{name} must match {pattern}")
    return value


def _flag(value: str, name: str = "dry_run") -> bool:
    if value not in ("0", "1", "true", "false"):
        raise ApiError(400, "bad-parameter", f"{name} is 0, 1, true or false, not {value!r}")
    return value in ("1", "true")


# Whole numbers as ASCII digits: str.isdigit() also takes "³" and other digits int() refuses
# (a 500 once), and headers arrive as Latin-1, which holds ¹²³.
_WHOLE = re.compile(r"[0-9]+", re.ASCII)


def _version(text: str) -> int | None:
    """A server_version written in a request (1 to 2**63 - 1), or None."""
    if not _WHOLE.fullmatch(text) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number < 2**63 else None


def _expected_version(request: Request) -> int | None:
    """If-Match: "<server_version>" (the import must replace exactly that version);
    If-None-Match: * (the program must not exist yet)."""
    match = request.headers.get("if-match")
    if match is not None:
        text = match.strip().removeprefix("W/").strip('"')
        version = _version(text)
        if version is None:
            raise ApiError(400, "bad-if-match", f"If-Match must be a server_version such as "
                           f'"3", not {match!r}')
        return version
    none_match = request.headers.get("if-none-match")
    if none_match is None:
        return None
    if none_match.strip() != "*":
        raise ApiError(400, "bad-if-none-match", f"If-None-Match takes only *, not "
                       f"{none_match!r}")
    return 0


class RequestLog:
    """One log line per request: method, path, status, milliseconds, account."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            account = scope.get("state", {}).get("account", "-")
            LOG.info("%s %s %d %.1fms %s", scope["method"], scope["path"], status[0],
                     (time.perf_counter() - started) * 1000, account)
