"""The GitHub Action's scripts run locally (action/review.sh, action/sync.sh, action/comment.py):
a real Git repository and plansync, and in place of GitHub a stand-in `gh` that keeps a pull
request's comments in a file. What is tested is our part: the comment bodies, the split, the
sticky updates, the annotations, the job summary and the exit codes; not GitHub itself."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pygit2
import pytest
from ruamel.yaml import YAML

from plansync.seed.canonical import canonical_bytes
from tests.gitrepos import commit_all

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action"
APOLLO = ROOT / "examples" / "plans" / "apollo.seed.json"
PLANSYNC = Path(sys.executable).parent / "plansync"

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="needs git and bash")

FAKE_GH = r'''#!PYTHON
"""A stand-in for `gh api`: the comments of one pull request, kept in $FAKE_GH_STATE."""
import json, os, sys
state = os.environ["FAKE_GH_STATE"]
comments = json.load(open(state)) if os.path.exists(state) else []
args = sys.argv[2:]
method = args[args.index("-X") + 1] if "-X" in args else "GET"
url = next(a for a in args if a.startswith("repos/"))
if method == "GET":
    for c in comments:
        print(json.dumps({"id": c["id"], "body": c["body"]}))
elif method == "POST":
    body = json.load(sys.stdin)["body"]
    comments.append({"id": max([c["id"] for c in comments], default=100) + 1, "body": body})
elif method == "PATCH":
    ident = int(url.rsplit("/", 1)[1])
    next(c for c in comments if c["id"] == ident)["body"] = json.load(sys.stdin)["body"]
elif method == "DELETE":
    ident = int(url.rsplit("/", 1)[1])
    comments = [c for c in comments if c["id"] != ident]
with open(state, "w") as f:
    json.dump(comments, f)
with open(state + ".log", "a") as f:
    f.write(method + "\n")
'''


def _comment_module() -> Any:
    spec = importlib.util.spec_from_file_location("plansync_action_comment",
                                                  ACTION / "comment.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


comment = _comment_module()


class PullRequest:
    """A repository with a base commit, a head commit, and GitHub's side played by fake gh."""

    def __init__(self, tmp_path: Path) -> None:
        self.work = tmp_path / "repo"
        pygit2.init_repository(str(self.work))
        shutil.copy(APOLLO, self.work / "apollo.seed.json")
        self.base = commit_all(self.work, "base")
        self.head = self.base
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        gh = bin_dir / "gh"
        gh.write_text(FAKE_GH.replace("PYTHON", sys.executable))
        gh.chmod(0o755)
        self.state = tmp_path / "comments.json"
        self.summary = tmp_path / "summary.md"
        self.env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                    "PLANSYNC": str(PLANSYNC), "FAKE_GH_STATE": str(self.state),
                    "GITHUB_REPOSITORY": "acme/plans", "PR_NUMBER": "7",
                    "GH_TOKEN": "unused", "RUNNER_TEMP": str(tmp_path),
                    "GITHUB_STEP_SUMMARY": str(self.summary)}
        self.env.pop("PLANSYNC_INSTANCE", None)

    def push(self, edit: Any, message: str = "edit") -> None:
        doc = json.loads((self.work / "apollo.seed.json").read_text())
        edit(doc)
        (self.work / "apollo.seed.json").write_bytes(canonical_bytes(doc))
        self.head = commit_all(self.work, message)

    def review(self, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(ACTION / "review.sh")], cwd=self.work,
                              env={**self.env, "BASE_SHA": self.base, "HEAD_SHA": self.head,
                                   **env}, capture_output=True, text=True, check=False)

    def comments(self) -> list[str]:
        return [c["body"] for c in json.loads(self.state.read_text())]


def rename(doc: dict[str, Any], name: str = "Go-to-market, revised") -> None:
    doc["program"]["projects"][0]["tasks"][0]["name"] = name


def many(doc: dict[str, Any]) -> None:
    doc["program"]["projects"][0]["tasks"] += [
        {"wbs": f"9.{n}", "name": f"Added step {n} " + "x" * 150, "duration": 1}
        for n in range(1, 80)] + [{"wbs": "9", "name": "Added work"}]


@pytest.fixture
def pr(tmp_path: Path) -> PullRequest:
    return PullRequest(tmp_path)


def test_one_sticky_comment_updated_split_and_shrunk(pr: PullRequest) -> None:
    pr.push(rename)
    done = pr.review()
    assert done.returncode == 0, done.stderr
    [body] = pr.comments()
    assert body.startswith("<!-- plansync-diff:1 -->")
    assert "1 changed in 1 program" in body and "Go-to-market, revised" in body

    pr.push(many)  # a bigger diff, in comments of at most 5,000 characters
    done = pr.review(MAX_COMMENT_CHARS="5000")
    assert done.returncode == 0, done.stderr
    bodies = pr.comments()
    assert len(bodies) > 3 and all(len(b) <= 5000 for b in bodies)
    assert [comment.number_of(b) for b in bodies] == list(range(1, len(bodies) + 1))
    assert "Added step 79" in "".join(bodies)
    assert json.loads(pr.state.read_text())[0]["id"] == 101  # the first one, edited in place

    again = pr.review(MAX_COMMENT_CHARS="5000")  # nothing new: nothing written
    assert again.returncode == 0
    log = (pr.state.parent / "comments.json.log").read_text().split()
    assert log[-1] == "GET"

    pr.base = pr.head  # the pull request now changes nothing
    assert pr.review().returncode == 0
    [body] = pr.comments()
    assert "No plan changes" in body


def test_an_invalid_plan_is_annotated_and_said_in_the_comment(pr: PullRequest) -> None:
    pr.push(lambda doc: doc["program"].update(code="Not A Code"))
    done = pr.review()
    assert done.returncode == 1
    assert "::error file=apollo.seed.json,line=" in done.stdout  # the annotation
    [body] = pr.comments()
    assert body.startswith("<!-- plansync-diff:1 -->")
    assert "not a valid plan" in body and "Not A Code" in body


def test_operations_keep_other_peoples_comments() -> None:
    existing = [{"id": 1, "body": "LGTM"}, {"id": 2, "body": "<!-- plansync-diff:1 -->\nold"},
                {"id": 3, "body": "<!-- plansync-diff:2 -->\nold 2"},
                {"id": 4, "body": "<!-- plansync-diff:1 -->\nduplicate"}]
    assert comment.operations(existing, ["<!-- plansync-diff:1 -->\nnew"]) == [
        ("update", 2, "<!-- plansync-diff:1 -->\nnew"), ("delete", 3, None), ("delete", 4, None)]
    assert comment.operations([], ["a", "b"]) == [("create", None, "a"), ("create", None, "b")]


def test_the_sync_mode_writes_the_job_summary_and_fails_on_drift(pr: PullRequest,
                                                                 tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    env = {**pr.env, "PLANSYNC_INSTANCE": f"sqlite:///{db}"}
    run = subprocess.run(["bash", str(ACTION / "sync.sh")], cwd=pr.work, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    summary = pr.summary.read_text()
    assert summary.startswith("## plansync sync") and "apollo" in summary and "created" in summary

    doc = json.loads(APOLLO.read_text())  # someone changes the instance directly
    doc["program"]["description"] = "changed on the instance"
    other = tmp_path / "other.seed.json"
    other.write_bytes(canonical_bytes(doc))
    subprocess.run([str(PLANSYNC), "import", "--instance", f"sqlite:///{db}", str(other)],
                   check=True, capture_output=True)
    pr.summary.unlink()
    run = subprocess.run(["bash", str(ACTION / "sync.sh")], cwd=pr.work, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    summary = pr.summary.read_text()
    assert "REFUSED" in summary and "changed on the instance" in summary


def test_the_action_is_a_composite_that_runs_these_scripts() -> None:
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = " ".join(step["run"] for step in action["runs"]["steps"])
    assert "action/review.sh" in steps and "action/sync.sh" in steps
    assert {"mode", "paths", "max-comment-chars", "instance", "instance-token"} <= set(
        action["inputs"])
