"""Speed against the floor (issue 17): every row as a ratio to a floor measured in the same run.

    python bench/bench_speed.py [--tasks 100000] [--repeat 5] [--only validate,fmt,...]

Each row runs plansync and its floor, a minimal program doing the same work, as whole processes
(interpreter start included), alternating the two so that the noise of the machine falls on
both; the figures are medians. Peak memory (the child's maximum resident set) is shown for the
100k rows next to the floor's. The floors:

- validate: `json.load` and jsonschema-rs's `is_valid` of the schema;
- fmt --check: orjson parse, sorted and indented bytes, compared with the file;
- canonical bytes (in-process, no process start): `orjson.dumps(doc, sorted, indented)`;
- diff (two versions, 1% of the tasks changed and a few inserted): both files parsed and
  schema-checked, tasks and dependencies indexed by natural key and compared;
- import into a fresh instance: the same work done minimally: parse and schema check (the
  validate floor), the pure-Python CPM pass (the schedule floor), then sqlite3 executemany of
  every row the instance keeps (program, calendars, resources, projects, members, sprints,
  tasks with their early and late dates, assignments, dependencies, baselines, risks) into the
  instance's own tables (their DDL read from a database plansync made), and the canonical
  bytes compressed as the program's state, in one transaction. For information, a second row
  compares the same import with the lighter floor the first version of this benchmark used
  (parse, schema, then tasks and dependencies into two bare tables, no schedule);
- unchanged re-import: no floor (the goal is under one second: nothing to do);
- schedule: parse, then a pure-Python CPM pass (forward and backward, integer days, finish-to-
  start links with lags) over the same tasks;
- sync of 20 programs of 1k tasks with one changed: `plansync import` of that one file alone;
- validate of a 1k-task YAML file: libyaml's C loader (PyYAML CSafeLoader) on the same text;
- the plain Git hook on one 1k file: `plansync check` against `python -c pass` (goal < 0.25 s);
- `plansync --help` against `python -c pass`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_sync import make_repo, rename_one  # noqa: E402

SCHEMA = HERE.parent / "schema" / "seed.schema.json"
PY = sys.executable

FLOOR_VALIDATE = """
import json, sys, jsonschema_rs
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
sys.exit(0 if jsonschema_rs.validator_for(schema).is_valid(doc) else 1)
"""

FLOOR_FMT = """
import sys, orjson
data = open(sys.argv[1], 'rb').read()
out = orjson.dumps(orjson.loads(data), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b'\\n'
sys.exit(0 if out == data else 1)
"""

# Run in children, so that this process stays small: a child forked from it would otherwise
# count this process's memory in its peak RSS.
CANONICAL = """
import json, sys, time, orjson
from plansync.seed.canonical import canonical_bytes
doc = json.loads(open(sys.argv[1], 'rb').read())
opts = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
out = {"ours": [], "floor": []}
for _ in range(int(sys.argv[2])):
    start = time.perf_counter(); canonical_bytes(doc)
    out["ours"].append(time.perf_counter() - start)
    start = time.perf_counter(); orjson.dumps(doc, option=opts)
    out["floor"].append(time.perf_counter() - start)
print(json.dumps(out))
"""

CHANGED = """
import json, sys
from bench_diff import changed_copy
from plansync.seed.canonical import canonical_bytes
doc = json.loads(open(sys.argv[1], 'rb').read())
open(sys.argv[2], 'wb').write(canonical_bytes(changed_copy(doc, 0.01, 7)))
"""

FLOOR_DIFF = """
import json, sys, jsonschema_rs
validator = jsonschema_rs.validator_for(json.load(open(sys.argv[1])))
def index(path):
    doc = json.load(open(path))
    assert validator.is_valid(doc)
    tasks, deps = {}, {}
    for p in doc['program']['projects']:
        for t in p.get('tasks', []):
            tasks[(p['code'], t['wbs'])] = t
        for d in p.get('dependencies', []):
            deps[(p['code'], d['from'], d['to'])] = d
    return tasks, deps
(t1, d1), (t2, d2) = index(sys.argv[2]), index(sys.argv[3])
changed = [k for k in t1.keys() | t2.keys() if t1.get(k) != t2.get(k)]
changed += [k for k in d1.keys() | d2.keys() if d1.get(k) != d2.get(k)]
print(len(changed))
"""

FLOOR_IMPORT = """
import json, sqlite3, sys, jsonschema_rs
doc = json.load(open(sys.argv[2]))
assert jsonschema_rs.validator_for(json.load(open(sys.argv[1]))).is_valid(doc)
db = sqlite3.connect(sys.argv[3])
db.executescript('''
create table project(id integer primary key, code text unique, name text);
create table task(id integer primary key, project integer, wbs text, name text,
  duration real, status text, start text, assignees text, unique(project, wbs));
create table dependency(id integer primary key, project integer, source text, target text,
  type text, lag real);
''')
with db:
    for p in doc['program']['projects']:
        pid = db.execute('insert into project(code, name) values (?, ?)',
                         (p['code'], p['name'])).lastrowid
        db.executemany('insert into task(project, wbs, name, duration, status, start, assignees)'
                       ' values (?, ?, ?, ?, ?, ?, ?)',
                       [(pid, t['wbs'], t['name'], t.get('duration'), t.get('status'),
                         t.get('start'), json.dumps(t.get('assignees', []))) for t in p['tasks']])
        db.executemany('insert into dependency(project, source, target, type, lag)'
                       ' values (?, ?, ?, ?, ?)',
                       [(pid, d['from'], d['to'], d.get('type', 'FS'), d.get('lag', 0))
                        for d in p.get('dependencies', [])])
"""

# The pure-Python CPM pass over `doc` (the schedule floor's work, shared with the import's).
CPM_PASS = """
dur, succ, pred = {}, {}, {}
for p in doc['program']['projects']:
    code = p['code']
    for t in p['tasks']:
        key = code + ':' + t['wbs']
        dur[key] = t.get('duration', 0)
        succ[key] = []
        pred[key] = []
    for d in p.get('dependencies', []):
        a = d['from'] if ':' in d['from'] else code + ':' + d['from']
        b = d['to'] if ':' in d['to'] else code + ':' + d['to']
        succ[a].append((b, d.get('lag', 0)))
        pred[b].append((a, d.get('lag', 0)))
indeg = {k: len(v) for k, v in pred.items()}
queue = deque(k for k, n in indeg.items() if n == 0)
order = []
while queue:
    k = queue.popleft()
    order.append(k)
    for s, _ in succ[k]:
        indeg[s] -= 1
        if indeg[s] == 0:
            queue.append(s)
es, ef = {}, {}
for k in order:
    es[k] = max((ef[a] + lag for a, lag in pred[k]), default=0)
    ef[k] = es[k] + dur[k]
end = max(ef.values())
lf, ls = {}, {}
for k in reversed(order):
    lf[k] = min((ls[s] - lag for s, lag in succ[k]), default=end)
    ls[k] = lf[k] - dur[k]
"""

# The import's whole work done minimally (see the module docstring): what FLOOR_VALIDATE and
# FLOOR_SCHEDULE do, then every row the instance keeps, written with executemany into the
# instance's own tables (their DDL read from a database plansync made) in one transaction,
# the tasks with their computed schedule, and the program's state (its canonical bytes,
# compressed) as one blob.
FLOOR_IMPORT_ALL = """
import json, sqlite3, sys, uuid, zlib, jsonschema_rs, orjson
from collections import deque
doc = json.load(open(sys.argv[2]))
assert jsonschema_rs.validator_for(json.load(open(sys.argv[1]))).is_valid(doc)
prog = doc['program']
""" + CPM_PASS + """
count = iter(range(1, 10**9))
def new_id():
    return str(uuid.UUID(int=next(count)))
template = sqlite3.connect(sys.argv[3])
db = sqlite3.connect(sys.argv[4], isolation_level=None)
db.execute('pragma journal_mode=wal')
db.execute('pragma foreign_keys=on')
for (sql,) in template.execute("select sql from sqlite_master where sql is not null"
                               " and name not like 'sqlite_%' order by type desc"):
    db.execute(sql)
dumps = lambda v: None if v is None else json.dumps(v)
db.execute('begin')
pg = new_id()
state = zlib.compress(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2), 1)
db.execute('insert into programs(id, code, name, description, updated_at, state) values'
           ' (?, ?, ?, ?, ?, ?)', (pg, prog['code'], prog['name'], prog.get('description'),
                                   '2026-01-01T00:00:00Z', state))
db.executemany('insert into calendars(id, program_id, code, workdays, holidays) values'
               ' (?, ?, ?, ?, ?)', [(new_id(), pg, c['code'], dumps(c.get('workdays')),
                                     dumps(c.get('holidays'))) for c in prog.get('calendars', [])])
rid = {r['code']: new_id() for r in prog.get('resources', [])}
db.executemany('insert into resources(id, program_id, code, name, email, type, capacity,'
               ' calendar) values (?, ?, ?, ?, ?, ?, ?, ?)',
               [(rid[r['code']], pg, r['code'], r['name'], r.get('email'), r['type'],
                 r.get('capacity'), r.get('calendar')) for r in prog.get('resources', [])])
members = [(new_id(), pg, None, m['email'], m['role']) for m in prog.get('members', [])]
tid, tasks, deps, assignments, sprints, baselines, btasks, risks, rtasks = ({}, [], [], [], [],
                                                                         [], [], [], [])
for p in prog['projects']:
    pid = new_id()
    db.execute('insert into projects(id, program_id, code, name, description, start, calendar,'
               ' status) values (?, ?, ?, ?, ?, ?, ?, ?)',
               (pid, pg, p['code'], p['name'], p.get('description'), p['start'],
                p.get('calendar'), p.get('status', 'active')))
    members += [(new_id(), pg, pid, m['email'], m['role']) for m in p.get('members', [])]
    sprints += [(new_id(), pid, s['code'], s['name'], s['start'], s['finish'])
                for s in p.get('sprints', [])]
    for n, t in enumerate(p['tasks'], 1):
        key = p['code'] + ':' + t['wbs']
        tid[key] = i = new_id()
        e, c = t.get('estimate') or {}, t.get('constraint') or {}
        tasks.append((i, pid, t['wbs'], f"{p['code']}-{n}", t['name'], t.get('notes'),
                      t.get('duration'), e.get('optimistic'), e.get('likely'),
                      e.get('pessimistic'), t.get('status'), t.get('percent_complete'),
                      t.get('milestone'), t.get('sprint'), c.get('type'), c.get('date'),
                      t.get('deadline'), t.get('actual_start'), t.get('actual_finish'),
                      es[key], ef[key], ls[key], lf[key], ls[key] - es[key], 0,
                      ls[key] == es[key]))
        assignments += [(i, rid[a]) for a in t.get('assignees', [])]
    for d in p.get('dependencies', []):
        a = d['from'] if ':' in d['from'] else p['code'] + ':' + d['from']
        b = d['to'] if ':' in d['to'] else p['code'] + ':' + d['to']
        deps.append((new_id(), pid, tid[a], tid[b], d.get('type', 'FS'), d.get('lag', 0)))
    for b in p.get('baselines', []):
        bid = new_id()
        baselines.append((bid, pid, b['name'], b['taken']))
        btasks += [(new_id(), bid, t['wbs'], t.get('start'), t.get('finish'), t.get('duration'))
                   for t in b.get('tasks', [])]
    for r in p.get('risks', []):
        kid = new_id()
        risks.append((kid, pid, r['code'], r['title'], r.get('probability'), r.get('impact'),
                      r.get('status'), r.get('owner')))
        rtasks += [(kid, tid[p['code'] + ':' + w]) for w in r.get('tasks', [])]
db.executemany('insert into memberships(id, program_id, project_id, email, role) values'
               ' (?, ?, ?, ?, ?)', members)
db.executemany('insert into sprints(id, project_id, code, name, start, finish) values'
               ' (?, ?, ?, ?, ?, ?)', sprints)
db.executemany('insert into tasks(id, project_id, wbs, short_id, name, notes, duration,'
               ' optimistic, likely, pessimistic, status, percent_complete, milestone, sprint,'
               ' constraint_type, constraint_date, deadline, actual_start, actual_finish,'
               ' early_start, early_finish, late_start, late_finish, total_float, free_float,'
               ' critical) values (' + ', '.join('?' * 26) + ')', tasks)
db.executemany('insert into assignments(task_id, resource_id) values (?, ?)', assignments)
db.executemany('insert into dependencies(id, project_id, from_task_id, to_task_id, type, lag)'
               ' values (?, ?, ?, ?, ?, ?)', deps)
db.executemany('insert into baselines(id, project_id, name, taken) values (?, ?, ?, ?)',
               baselines)
db.executemany('insert into baseline_tasks(id, baseline_id, wbs, start, finish, duration)'
               ' values (?, ?, ?, ?, ?, ?)', btasks)
db.executemany('insert into risks(id, project_id, code, title, probability, impact, status,'
               ' owner) values (?, ?, ?, ?, ?, ?, ?, ?)', risks)
db.executemany('insert into risk_tasks(risk_id, task_id) values (?, ?)', rtasks)
db.execute('commit')
"""

FLOOR_SCHEDULE = """
import json, sys
from collections import deque
doc = json.load(open(sys.argv[1]))
""" + CPM_PASS + """
json.dump({k: [es[k], ef[k], ls[k], lf[k]] for k in order}, sys.stdout)
"""

FLOOR_YAML = """
import sys, yaml
yaml.load(open(sys.argv[1]).read(), Loader=yaml.CSafeLoader)
"""


def run(args: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one whole process (its output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({code}): {proc.stderr.read().decode()}"
                         if proc.stderr else f"{args} failed ({code})")
    if proc.stderr:
        proc.stderr.close()
    return wall, usage.ru_maxrss


def made_plan(tasks: int) -> Path:
    """bench/out/plan-N.seed.json, generated in a child the first time (see CANONICAL)."""
    out = subprocess.run([PY, "-c", f"from bench_seed import plan_file; print(plan_file({tasks}))"],
                         check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": f"{HERE.parent}:{HERE}"}).stdout
    return Path(out.strip())


def plansync(*args: str) -> list[str]:
    return [PY, "-m", "plansync", *args]


def paired(ours: Callable[[], list[str]], floor: Callable[[], list[str]], repeat: int,
           before: Callable[[], None] | None = None) -> tuple[float, float, int, int]:
    """Medians (ours, floor) of alternating runs, and their peak RSS (KB)."""
    a, b, ma, mb = [], [], [], []
    for _ in range(repeat):
        if before:
            before()
        t, m = run(ours())
        a.append(t)
        ma.append(m)
        t, m = run(floor())
        b.append(t)
        mb.append(m)
    return statistics.median(a), statistics.median(b), max(ma), max(mb)


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def add(self, work: str, ours: float, floor: float, floor_name: str, goal: str,
            memory: tuple[int, int] | None = None) -> None:
        ratio = f"{ours / floor:.2f}" if floor else "-"
        mem = f"{memory[0] / 1024:.0f} / {memory[1] / 1024:.0f} MB" if memory else ""
        self.rows.append((work, f"{ours:.3f} s", f"{floor:.3f} s" if floor else "-",
                          floor_name, ratio, goal, mem))
        print(f"  {work:<44} {ours:7.3f} s  {floor_name:<26} {floor:7.3f} s  ratio {ratio}"
              f"  (goal {goal}) {mem}", flush=True)

    def markdown(self) -> str:
        head = ("| work | plansync | floor | floor is | ratio | goal | peak RSS (ours / floor) |\n"
                "|---|---|---|---|---|---|---|\n")
        return head + "".join("| " + " | ".join(row) + " |\n" for row in self.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated row names")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    n, repeat = args.tasks, args.repeat
    label = f"{n // 1000}k" if n >= 1000 else str(n)
    big, small = made_plan(n), made_plan(1000)
    table = Table()
    print(f"{label}-task file {big.stat().st_size / 1e6:.1f} MB, medians of {repeat}")

    def want(name: str) -> bool:
        return not only or name in only

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if want("validate"):
            ours, floor, mo, mf = paired(lambda: plansync("validate", str(big)),
                                         lambda: [PY, "-c", FLOOR_VALIDATE, str(SCHEMA), str(big)],
                                         repeat)
            table.add(f"validate {label}", ours, floor, "json + jsonschema-rs", "<= 1.3", (mo, mf))
        if want("fmt"):
            ours, floor, mo, mf = paired(lambda: plansync("fmt", "--check", str(big)),
                                         lambda: [PY, "-c", FLOOR_FMT, str(big)], repeat)
            table.add(f"fmt --check {label}", ours, floor, "orjson canonical bytes", "<= 1.5",
                      (mo, mf))
        if want("canonical"):  # in a child: this process stays small (see peak RSS)
            times = json.loads(subprocess.run(
                [PY, "-c", CANONICAL, str(big), str(repeat)], check=True, capture_output=True,
                text=True, env={**os.environ, "PYTHONPATH": str(HERE.parent)}).stdout)
            table.add(f"canonical bytes {label}, in-process", statistics.median(times["ours"]),
                      statistics.median(times["floor"]), "orjson.dumps", "<= 2")
        if want("diff"):
            other = tmp / "changed.seed.json"
            subprocess.run([PY, "-c", CHANGED, str(big), str(other)], check=True,
                           env={**os.environ, "PYTHONPATH": f"{HERE.parent}:{HERE}"})
            ours, floor, mo, mf = paired(
                lambda: plansync("diff", str(big), str(other), "--format", "json"),
                lambda: [PY, "-c", FLOOR_DIFF, str(SCHEMA), str(big), str(other)], repeat)
            table.add(f"diff of two {label} versions, 1% changed", ours, floor,
                      "parse, schema, index, compare", "<= 1.5", (mo, mf))
        if want("import"):
            count = iter(range(10**6))
            template = tmp / "template.db"  # the instance's tables, for the floor's DDL
            subprocess.run(plansync("import", "--instance", f"sqlite:///{template}",
                                    str(small)), check=True, capture_output=True)
            db = {"ours": tmp / "x.db", "floor": tmp / "y.db", "two": tmp / "z.db"}
            times: dict[str, list[float]] = {"ours": [], "floor": [], "two": []}
            peaks: dict[str, list[int]] = {"ours": [], "floor": [], "two": []}
            commands = {
                "ours": lambda: plansync("import", "--instance", f"sqlite:///{db['ours']}",
                                         str(big)),
                "floor": lambda: [PY, "-c", FLOOR_IMPORT_ALL, str(SCHEMA), str(big),
                                  str(template), str(db["floor"])],
                "two": lambda: [PY, "-c", FLOOR_IMPORT, str(SCHEMA), str(big), str(db["two"])]}
            for _ in range(repeat):
                i = next(count)
                for name in commands:
                    db[name] = tmp / f"{name}{i}.db"
                    t, m = run(commands[name]())
                    times[name].append(t)
                    peaks[name].append(m)
            ours = statistics.median(times["ours"])
            table.add(f"import {label} into a fresh instance", ours,
                      statistics.median(times["floor"]),
                      "the same work: schema, CPM, every row", "<= 1.5",
                      (max(peaks["ours"]), max(peaks["floor"])))
            table.add(f"import {label}, against two tables", ours,
                      statistics.median(times["two"]), "schema + 2 tables, no schedule",
                      "(information)", (max(peaks["ours"]), max(peaks["two"])))
            again = [run(plansync("import", "--instance", f"sqlite:///{db['ours']}",
                                  str(big))) for _ in range(repeat)]
            table.add(f"unchanged re-import {label}", statistics.median(t for t, _ in again),
                      0.0, "(none)", "< 1 s", (max(m for _, m in again), 0))
        if want("schedule"):
            ours, floor, mo, mf = paired(
                lambda: plansync("schedule", str(big), "--format", "json"),
                lambda: [PY, "-c", FLOOR_SCHEDULE, str(big)], repeat)
            table.add(f"schedule {label}, whole process", ours, floor, "pure-Python CPM",
                      "<= 1.5", (mo, mf))
        if want("sync"):
            repo = make_repo(tmp / "sync", 20, 1000)
            subprocess.run(plansync("sync"), cwd=repo, check=True, capture_output=True)
            changed = repo / "p00.seed.json"
            a, b = [], []
            for i in range(repeat):
                rename_one(changed, i)
                a.append(run(plansync("sync"), cwd=repo)[0])
                copy = tmp / f"copy{i}.db"
                shutil.copy(repo / ".plansync" / "instance.db", copy)
                rename_one(changed, i + 1000)
                b.append(run(plansync("import", "--instance", f"sqlite:///{copy}",
                                      str(changed)))[0])
                rename_one(changed, i)
                subprocess.run(plansync("sync"), cwd=repo, check=True, capture_output=True)
            table.add("sync of 20 x 1k programs, one changed", statistics.median(a),
                      statistics.median(b), "import of that file", "<= 1.5")
        if want("yaml"):
            yml = tmp / "plan-1000.seed.yaml"
            subprocess.run(plansync("convert", str(small), "-o", str(yml)), check=True,
                           capture_output=True)
            ours, floor, _, _ = paired(lambda: plansync("validate", str(yml)),
                                       lambda: [PY, "-c", FLOOR_YAML, str(yml)], repeat)
            table.add("validate a 1k-task YAML", ours, floor, "libyaml (CSafeLoader)", "<= 3")
        if want("hook"):
            ours, floor, _, _ = paired(lambda: plansync("check", str(small)),
                                       lambda: [PY, "-c", "pass"], repeat)
            table.add("plansync check on one 1k file", ours, floor, "python -c pass",
                      "< 0.25 s")
        if want("help"):
            ours, floor, _, _ = paired(lambda: plansync("--help"),
                                       lambda: [PY, "-c", "pass"], repeat)
            table.add("plansync --help", ours, floor, "python -c pass", "<= 2.5")
    print()
    print(table.markdown(), end="")


if __name__ == "__main__":
    main()
