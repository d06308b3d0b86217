"""Reading a request and shaping an answer: the JSON error (`ApiError`), the body's kind and
size limit, the seed document in it, query parameters, server versions and If-Match, and the
export as a download."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from plansync.seed.load import Limits

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


def attachment(code: str, data: bytes, version: int) -> Response:
    """The export's bytes (made in the worker thread, off the event loop) as a download."""
    return Response(data, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="{code}.seed.json"',
        "ETag": f'"{version}"'})


def body_kind(content_type: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    if media in JSON_TYPES:
        return "json"
    if media in YAML_TYPES:
        return "yaml"
    raise ApiError(415, "unsupported-media-type",
                   f"a seed document is sent as application/json or application/yaml, not "
                   f"{media or 'without a Content-Type'}")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and WHOLE.fullmatch(declared) and int(declared) > limit:
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


def parse_seed(kind: str, body: bytes, limits: Limits) -> dict[str, Any]:
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


def only_query(request: Request, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) or "none"
        raise ApiError(400, "bad-parameter", f"unknown query parameter {unknown[0]!r} "
                       f"(this endpoint takes: {takes})")


def text_param(request: Request, name: str, pattern: str) -> str | None:
    value = request.query_params.get(name)
    if value is not None and re.fullmatch(pattern, value) is None:
        raise ApiError(400, "bad-parameter", f"{name} must match {pattern}")
    return value


def flag(value: str, name: str = "dry_run") -> bool:
    if value not in ("0", "1", "true", "false"):
        raise ApiError(400, "bad-parameter", f"{name} is 0, 1, true or false, not {value!r}")
    return value in ("1", "true")


# Whole numbers as ASCII digits: str.isdigit() also takes "³" and other digits int() refuses
# (a 500 once), and headers arrive as Latin-1, which holds ¹²³.
WHOLE = re.compile(r"[0-9]+", re.ASCII)


def server_version(text: str) -> int | None:
    """A server_version written in a request (1 to 2**63 - 1), or None."""
    if not WHOLE.fullmatch(text) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number < 2**63 else None


def expected_version(request: Request) -> int | None:
    """If-Match: "<server_version>" (the import must replace exactly that version);
    If-None-Match: * (the program must not exist yet)."""
    match = request.headers.get("if-match")
    if match is not None:
        text = match.strip().removeprefix("W/").strip('"')
        version = server_version(text)
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


