"""The team instance's REST API: a Starlette application over a store (see docs/server.md).

Every handler does its database work in a worker thread, on that thread's own connection to
the store, so requests never share a transaction. Errors are JSON, never a stack trace:
{"error": {"code", "message", "problems": [...]}}.
"""

from __future__ import annotations

import logging
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
from plansync.instance.base import NotFound, VersionConflict
from plansync.instance.importer import ProgramClash
from plansync.seed.load import Limits
from plansync.server import messages, work
from plansync.server.messages import ApiError

LOG = logging.getLogger("plansync.server")


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

    async def in_thread(request: Request, fn: Callable[..., Any], *args: Any,
                   query: tuple[str, ...] = ()) -> Any:
        """Run fn(store, account, *args) in a worker thread; map our errors to answers.
        `query`: the query parameters the endpoint takes (any other is a 400)."""
        messages.only_query(request, query)
        if any("\x00" in str(v) for v in request.path_params.values()):
            raise ApiError(404, "not-found", "no such program or project (a NUL in its name)")
        header = request.headers.get("authorization", "")

        def call() -> Any:
            store = stores.get()
            account = work.authenticate(store, header)
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
        messages.only_query(request, ())
        identity = await run_in_threadpool(lambda: stores.get().identity())
        return JSONResponse({"status": "ok", "version": __version__, "instance": identity})

    async def programs(request: Request) -> Response:
        return JSONResponse(await in_thread(request, work.programs))

    async def program(request: Request) -> Response:
        return JSONResponse(await in_thread(request, work.program, request.path_params["id"]))

    async def export_program(request: Request) -> Response:
        timeline = messages.flag(request.query_params.get("timeline", "0"), "timeline")
        since = messages.text_param(
            request, "since", r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?")
        return messages.attachment(*await in_thread(
            request, work.export_program, request.path_params["id"], timeline, since,
            query=("timeline", "since")))

    async def export_project(request: Request) -> Response:
        return messages.attachment(*await in_thread(request, work.export_project,
                                                    request.path_params["id"]))

    async def program_sync(request: Request) -> Response:
        text = request.query_params.get("server_version")
        version = None if text is None else messages.server_version(text)
        if text is not None and version is None:
            raise ApiError(400, "bad-parameter", f"server_version is a positive whole "
                           f"number, not {text!r}")
        return JSONResponse(await in_thread(request, work.sync_record, request.path_params["id"],
                                            version, query=("server_version",)))

    async def program_sync_history(request: Request) -> Response:
        return JSONResponse(await in_thread(request, work.sync_history,
                                            request.path_params["id"]))

    async def synced(request: Request) -> Response:
        repository = messages.text_param(request, "repository", r"[0-9a-f]{4,64}")
        return JSONResponse(await in_thread(request, work.synced, repository,
                                            query=("repository",)))

    async def delete_program(request: Request) -> Response:
        await in_thread(request, work.delete, request.path_params["id"],
                        messages.expected_version(request))
        return Response(status_code=204)

    async def import_program(request: Request) -> Response:
        taken = ("dry_run", "sync_path", "sync_commit", "sync_repository")
        await in_thread(request, lambda store, account: work.required(account),  # 401 first
                        query=taken)
        kind = messages.body_kind(request.headers.get("content-type", ""))
        body = await messages.read_body(request, limits.max_bytes)
        doc = messages.parse_seed(kind, body, limits)
        dry_run = messages.flag(request.query_params.get("dry_run", "0"))
        expected = messages.expected_version(request)
        path = messages.text_param(request, "sync_path", r"[^\x00]{1,4096}")
        commit = messages.text_param(request, "sync_commit", r"[0-9a-f]{4,64}")
        repository = messages.text_param(request, "sync_repository", r"[0-9a-f]{4,64}")
        report = await in_thread(request, work.import_document, doc, dry_run, expected, path,
                                 commit, repository, query=taken)
        status = 201 if report["status"] == "created" and not dry_run else 200
        return JSONResponse(report, status_code=status,
                            headers={"ETag": f'"{report["server_version"]}"'})

    async def openapi(request: Request) -> Response:
        messages.only_query(request, ())
        from plansync.server.openapi import spec

        return JSONResponse(spec())

    async def docs(request: Request) -> Response:
        messages.only_query(request, ())
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
