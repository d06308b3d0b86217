"""Every command that takes --instance, against a real `plansync serve` over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.instance.http import HttpInstance
from plansync.seed.canonical import canonical_bytes
from plansync.sync import apply_sync, load_seeds, plan_sync
from tests.gitrepos import commit_all, repo_with_examples
from tests.serving import Server, serve

ROOT = Path(__file__).resolve().parents[1]
APOLLO = json.loads((ROOT / "examples" / "plans" / "apollo.seed.json").read_text())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with serve(tmp_path / "team.db") as running:
        yield running


@pytest.fixture
def repo(tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    work = repo_with_examples(tmp_path / "plans", "plans")
    commit_all(work, "plans")
    monkeypatch.chdir(work)
    monkeypatch.setenv("PLANSYNC_INSTANCE", server.url)
    monkeypatch.setenv("PLANSYNC_TOKEN", server.token("ci@team.example", staff=True))
    yield work


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def edit(path: Path, name: str) -> None:
    doc = json.loads(path.read_text())
    doc["program"]["projects"][0]["tasks"][0]["name"] = name
    path.write_bytes(canonical_bytes(doc))


def test_sync_pull_and_friends_over_http(repo: Path, server: Server) -> None:
    code, out, err = run("sync")
    assert code == 0, out + err
    assert "apollo (plans/apollo.seed.json): created, server_version 1" in out
    assert run("sync")[1].count("unchanged") == 2

    path = repo / "plans" / "apollo.seed.json"
    edit(path, "Ours")
    commit_all(repo, "ours")
    code, out, _ = run("sync")
    assert code == 0 and "apollo (plans/apollo.seed.json): updated, server_version 2" in out

    code, out, _ = run("export", "apollo")
    assert out.encode() == path.read_bytes()
    code, out, _ = run("programs", "--format", "json")
    assert {p["code"]: p["server_version"] for p in json.loads(out)} == {"apollo": 2,
                                                                        "gemini": 1}
    code, out, _ = run("schedule", "apollo", "--format", "json")
    assert code == 0 and json.loads(out)["program"] == "apollo"

    # A teammate changes the program on the server: sync refuses (drift), pull takes it.
    teammate = json.loads(path.read_text())
    teammate["program"]["projects"][0]["tasks"][0]["name"] = "Theirs"
    with server.client(server.token("ci@team.example")) as client:
        assert client.post("/api/v1/programs/import/", content=canonical_bytes(teammate),
                           headers={"Content-Type": "application/json"}).status_code == 200
    edit(path, "Ours again")
    commit_all(repo, "ours again")
    code, out, _ = run("sync")
    assert code == 1 and "REFUSED" in out
    edit(path, "Ours")  # back to the last synced file: nothing of ours to lose
    commit_all(repo, "revert")
    code, out, err = run("pull")
    assert code == 0, out + err
    assert json.loads(path.read_text())["program"]["projects"][0]["tasks"][0]["name"] \
        == "Theirs"
    commit_all(repo, "pulled")
    code, out, _ = run("sync")
    assert code == 0 and "apollo (plans/apollo.seed.json): unchanged" in out
    code, out, err = run("roundtrip", "--instance", server.url, "plans/apollo.seed.json")
    assert code == 0, out + err


def test_a_change_on_the_server_during_sync_is_refused_by_the_server(
        repo: Path, server: Server) -> None:
    assert run("sync")[0] == 0
    path = repo / "plans" / "apollo.seed.json"
    edit(path, "Ours")
    files = {"plans/apollo.seed.json": path.read_bytes()}
    from plansync import gitrepo

    mine = HttpInstance(server.url)
    plan = plan_sync(load_seeds(files), mine, history=gitrepo.History(repo))
    assert [p.action for p in plan.programs] == ["update"]
    theirs = json.loads(files["plans/apollo.seed.json"])
    theirs["program"]["name"] = "Changed meanwhile"
    with server.client(server.token("ci@team.example")) as client:
        assert client.post("/api/v1/programs/import/", content=canonical_bytes(theirs),
                           headers={"Content-Type": "application/json"}).status_code == 200
    apply_sync(plan, mine, commit=None, account="ci@team.example")
    assert plan.programs[0].action == "moved"
    assert mine.export_program("apollo")["program"]["name"] == "Changed meanwhile"
    assert "POST /api/v1/programs/import/ 409" in server.log
    mine.close()


def test_multi_file_import_over_http_writes_nothing_when_one_is_refused(
        repo: Path, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("import", "plans/apollo.seed.json")[0] == 0
    admin_doc = json.loads((repo / "plans" / "apollo.seed.json").read_text())
    admin_doc["program"]["members"] = [{"email": "lead@team.example", "role": "admin"}]
    assert run("import", "plans/apollo.seed.json")[0] == 0
    (repo / "plans" / "apollo.seed.json").write_bytes(canonical_bytes(admin_doc))
    assert run("import", "plans/apollo.seed.json")[0] == 0
    monkeypatch.setenv("PLANSYNC_TOKEN", server.token("lead@team.example"))
    # The lead may replace apollo but not create gemini: neither is written.
    edit(repo / "plans" / "apollo.seed.json", "By the lead")
    code, out, err = run("import", "plans/apollo.seed.json", "plans/gemini.seed.yaml")
    assert code == 3 and "403" in err
    with server.client(server.token("ci@team.example")) as client:
        exported = client.get("/api/v1/programs/apollo/export/").json()
        assert exported["program"]["projects"][0]["tasks"][0]["name"] != "By the lead"
        assert client.get("/api/v1/programs/gemini/").status_code == 404


def test_an_unreachable_server_is_a_clear_error(repo: Path) -> None:
    code, _, err = run("programs", "--instance", "http://127.0.0.1:9")
    assert code == 3
    assert "cannot reach the instance at http://127.0.0.1:9" in err
    code, _, err = run("import", "--create-users", "plans/apollo.seed.json")
    assert code == 2 and "never creates accounts" in err
