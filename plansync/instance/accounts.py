"""Accounts, tokens and roles of a team instance: who may read and replace which program.

Plain functions over a store's connection. Roles come from the seed files' memberships: a
program member has that role in every project of the program, a project member in that
project. A membership whose email has no account is pending; it takes effect as soon as an
account with that email exists (emails compare case-insensitively). Staff accounts run the
instance: they may do everything, and only they may import a program that does not exist yet.
Only a hash of each token is stored; a token is shown once, when it is made.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from plansync.errors import InstanceError, UsageError
from plansync.instance.ids import new_id, now

ROLES = ("viewer", "editor", "admin", "owner")  # each may do what the ones before it may
TOKEN_PREFIX = "pst_"


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    staff: bool


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add_user(conn: sqlite3.Connection, email: str, staff: bool) -> Account:
    if "@" not in email or email != email.strip() or not email:
        raise UsageError(f"{email!r} is not an email address", hint="e.g. ada@example.com")
    if find_user(conn, email) is not None:
        raise UsageError(f"there is already an account for {email}",
                         hint="`plansync users list` shows the accounts")
    account = Account(new_id(), email, staff)
    conn.execute("INSERT INTO users (id, email, created_at, staff) VALUES (?, ?, ?, ?)",
                 (account.id, email, now(), int(staff)))
    return account


def find_user(conn: sqlite3.Connection, email: str) -> Account | None:
    row = conn.execute("SELECT id, email, staff FROM users WHERE lower(email) = lower(?) "
                       "ORDER BY created_at, id LIMIT 1", (email,)).fetchone()
    return None if row is None else Account(row[0], row[1], bool(row[2]))


def list_users(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT u.email, u.staff, u.created_at, (SELECT count(*) FROM tokens t WHERE "
        "t.user_id = u.id AND t.revoked_at IS NULL) FROM users u ORDER BY lower(u.email)")
    return [{"email": email, "staff": bool(staff), "created_at": created, "tokens": tokens}
            for email, staff, created, tokens in rows]


def create_token(conn: sqlite3.Connection, email: str) -> tuple[str, str]:
    """(token id, secret) of a new token for the account; only the hash is kept."""
    account = find_user(conn, email)
    if account is None:
        raise UsageError(f"no account for {email}",
                         hint=f"create it first: plansync users add {email}")
    token_id = "tok_" + secrets.token_hex(6)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute("INSERT INTO tokens (id, user_id, hash, created_at) VALUES (?, ?, ?, ?)",
                 (token_id, account.id, token_hash(secret), now()))
    return token_id, secret


def list_tokens(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT t.id, u.email, t.created_at, t.revoked_at FROM tokens t "
                        "JOIN users u ON t.user_id = u.id ORDER BY t.created_at, t.id")
    return [{"id": i, "email": e, "created_at": c, "revoked_at": r} for i, e, c, r in rows]


def revoke_token(conn: sqlite3.Connection, token_id: str) -> None:
    row = conn.execute("SELECT revoked_at FROM tokens WHERE id = ?", (token_id,)).fetchone()
    if row is None:
        raise UsageError(f"no token {token_id!r}", hint="`plansync tokens list` shows them")
    if row[0] is None:
        conn.execute("UPDATE tokens SET revoked_at = ? WHERE id = ?", (now(), token_id))


def account_for_token(conn: sqlite3.Connection, secret: str) -> Account | None:
    """The account a live token belongs to, or None."""
    row = conn.execute("SELECT u.id, u.email, u.staff FROM tokens t JOIN users u "
                       "ON t.user_id = u.id WHERE t.hash = ? AND t.revoked_at IS NULL",
                       (token_hash(secret),)).fetchone()
    return None if row is None else Account(row[0], row[1], bool(row[2]))


# -- roles -------------------------------------------------------------------------------------

def _rank(role: str | None) -> int:
    return ROLES.index(role) + 1 if role in ROLES else 0


def roles(conn: sqlite3.Connection, account: Account, program_id: str
          ) -> tuple[str | None, dict[str, str]]:
    """The account's role in the program (None if not a program member) and per project id
    its role there (the better of its program role and its project membership)."""
    program_role: str | None = None
    projects: dict[str, str] = {}
    for project_id, role in conn.execute(
            "SELECT project_id, role FROM memberships WHERE program_id = ? AND "
            "lower(email) = lower(?)", (program_id, account.email)):
        if project_id is None:
            program_role = role
        else:
            projects[project_id] = role
    if program_role is not None:
        for (project_id,) in conn.execute("SELECT id FROM projects WHERE program_id = ?",
                                          (program_id,)):
            if _rank(program_role) > _rank(projects.get(project_id)):
                projects[project_id] = program_role
    return program_role, projects


def can_read_program(conn: sqlite3.Connection, account: Account, program_id: str) -> bool:
    return account.staff or roles(conn, account, program_id)[0] is not None


def can_read_project(conn: sqlite3.Connection, account: Account, program_id: str,
                     project_id: str) -> bool:
    return account.staff or project_id in roles(conn, account, program_id)[1]


def can_see(conn: sqlite3.Connection, account: Account, program_id: str) -> bool:
    """Listed in `programs`: a member of the program or of any of its projects."""
    program_role, projects = roles(conn, account, program_id)
    return account.staff or program_role is not None or bool(projects)


def can_replace(conn: sqlite3.Connection, account: Account, program_id: str | None) -> bool:
    """Import over an existing program: admin or owner of it; a new program: staff."""
    if account.staff:
        return True
    if program_id is None:
        return False
    return _rank(roles(conn, account, program_id)[0]) >= _rank("admin")


def can_delete(conn: sqlite3.Connection, account: Account, program_id: str | None) -> bool:
    """Delete a program: its owner, or staff."""
    if account.staff:
        return True
    return program_id is not None and roles(conn, account, program_id)[0] == "owner"


class Forbidden(InstanceError):
    """The account may not do this (HTTP 403)."""
