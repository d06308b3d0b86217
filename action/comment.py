"""The sticky pull-request comment(s) of the plansync action (action/review.sh).

    comment.py post --repo OWNER/NAME --pr N COMMENTS.json   create, update or delete
    comment.py failed ERRORS.txt                              the comment for a diff that failed

COMMENTS.json is `plansync diff --format markdown-json`: a JSON array of comment bodies, each
starting with its hidden marker `<!-- plansync-diff:N -->`. The pull request's comments that
carry such a marker are ours: comment N is updated in place (left alone when unchanged),
missing ones are created, and ours past the new count are deleted, so a pull request always
shows exactly the current diff. GitHub is reached with the GitHub CLI (`gh api`, token in
GH_TOKEN), as on GitHub's runners. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from typing import Any

MARKER = re.compile(r"<!-- plansync-diff:(\d+) -->")
Operation = tuple[str, Any, Any]  # ("create", None, body) | ("update", id, body) | ("delete", id, None)


def number_of(body: str) -> int | None:
    """The part number of one of our comments, None for anybody else's."""
    match = MARKER.match(body or "")
    return int(match.group(1)) if match else None


def operations(existing: list[dict[str, Any]], bodies: list[str]) -> list[Operation]:
    """What to do so that the pull request shows exactly `bodies`, given its comments
    (`{"id", "body"}` in creation order): update ours in place, create what is missing,
    delete ours that are left over (and duplicates of a part)."""
    ours: dict[int, dict[str, Any]] = {}
    extra: list[Any] = []
    for comment in existing:
        n = number_of(comment.get("body", ""))
        if n is None:
            continue
        if n in ours:
            extra.append(comment["id"])
        else:
            ours[n] = comment
    out: list[Operation] = []
    for n, body in enumerate(bodies, 1):
        found = ours.pop(n, None)
        if found is None:
            out.append(("create", None, body))
        elif found.get("body") != body:
            out.append(("update", found["id"], body))
    out += [("delete", c["id"], None) for _, c in sorted(ours.items())]
    out += [("delete", i, None) for i in extra]
    return out


def failed_body(errors: str) -> str:
    """The comment when the diff could not be made (a side is not a valid plan)."""
    text = errors.strip() or "plansync diff failed"
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    return ("<!-- plansync-diff:1 -->\n\n**Plan changes cannot be shown: a seed file is not a "
            "valid plan.** Its problems are annotated on the files; in short:\n\n"
            f"{fence}text\n{text[:60_000]}\n{fence}\n")


def _gh(args: list[str], data: dict[str, Any] | None = None) -> str:
    proc = subprocess.run(["gh", "api", *args], input=json.dumps(data) if data else None,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"gh api {' '.join(args)} failed ({proc.returncode})")
    return proc.stdout


def post(repo: str, pr: int, bodies: list[str]) -> None:
    lines = _gh(["--paginate", f"repos/{repo}/issues/{pr}/comments?per_page=100",
                 "--jq", ".[] | {id, body}"])
    existing = [json.loads(line) for line in lines.splitlines() if line.strip()]
    for op, ident, body in operations(existing, bodies):
        if op == "create":
            _gh(["-X", "POST", f"repos/{repo}/issues/{pr}/comments", "--input", "-"],
                {"body": body})
        elif op == "update":
            _gh(["-X", "PATCH", f"repos/{repo}/issues/comments/{ident}", "--input", "-"],
                {"body": body})
        else:
            _gh(["-X", "DELETE", f"repos/{repo}/issues/comments/{ident}"])
        print(f"plansync comment: {op} {'' if ident is None else ident}".rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("post")
    p.add_argument("--repo", required=True)
    p.add_argument("--pr", type=int, required=True)
    p.add_argument("comments")
    f = sub.add_parser("failed")
    f.add_argument("errors")
    args = parser.parse_args(argv)
    if args.command == "failed":
        with open(args.errors, encoding="utf-8", errors="replace") as handle:
            print(json.dumps([failed_body(handle.read())]))
        return 0
    with open(args.comments, encoding="utf-8") as handle:
        bodies = json.load(handle)
    post(args.repo, args.pr, bodies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
