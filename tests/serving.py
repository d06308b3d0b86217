"""A real `plansync serve` process on 127.0.0.1 (a free port), for tests: started, waited for,
and always stopped."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from plansync.instance import accounts
from plansync.instance.address import open_instance


@dataclass
class Server:
    url: str
    address: str  # the store it serves
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)  # what it logged (stderr)

    @property
    def db(self) -> Path:
        """The SQLite file it serves (for tests that look into it directly)."""
        return Path(self.address.removeprefix("sqlite:///"))

    def store(self) -> Any:
        """A connection of our own to the store the server serves."""
        return open_instance(self.address, create=True)

    def token(self, email: str, *, staff: bool = False) -> str:
        """A live token for `email`, creating the account first if it has none."""
        store = self.store()
        try:
            with store.transaction() as conn:
                if accounts.find_user(conn, email) is None:
                    accounts.add_user(conn, email, staff)
                return accounts.create_token(conn, email)[1]
        finally:
            store.close()

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Token {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    @property
    def log(self) -> str:
        return "".join(self.lines)


@contextmanager
def serve(db: Path | str, *extra: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start `plansync serve --db ADDRESS --port 0` and yield it once it answers; `db` is an
    SQLite file or any store address."""
    address = db if isinstance(db, str) else f"sqlite:///{db}"
    process = subprocess.Popen(
        [sys.executable, "-m", "plansync", "serve", "--db", address, "--port", "0",
         *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})})
    lines: list[str] = []
    found: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = re.search(r"running on (http://\S+)", line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        if not ready.wait(60) or not found:
            raise RuntimeError("plansync serve did not start:\n" + "".join(lines))
        server = Server(found[0], address, process, lines)
        deadline = time.monotonic() + 30
        while httpx.get(f"{server.url}/api/v1/health").status_code != 200:
            if time.monotonic() > deadline:  # pragma: no cover - a broken start
                raise RuntimeError("plansync serve does not answer:\n" + "".join(lines))
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            process.kill()
            process.wait()
        reader.join(timeout=5)
        if process.stderr is not None:
            process.stderr.close()
