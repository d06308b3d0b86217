"""Converters between seed files and the formats plans live in elsewhere.

`convert(...)` reads a file in one format and returns the bytes of another, with a `Report`
of what the target could not hold. Every import is validated as a seed; every export starts
from a valid seed. One module (or package) per format; each third-party library behind one
(`xlsx` for openpyxl, the `mpxj` package for MPXJ and its JVM).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from plansync.convert.plan import finish_seed, initial_state, only_project, select_part
from plansync.convert.report import Report, located, seed_counts
from plansync.errors import ConvertError, UsageError
from plansync.seed.load import Limits, parse_json, read_bounded

SEED_FORMATS = ("seed-json", "seed-yaml")
FORMATS = ("seed-json", "seed-yaml", "msproject-json", "tasks-json", "csv", "xlsx", "mpxj",
           "mspdi")
WRITABLE = ("seed-json", "seed-yaml", "tasks-json", "csv", "xlsx", "mspdi")
ALIASES = {"json": "seed-json", "yaml": "seed-yaml"}
ONE_PROJECT = ("tasks-json", "csv", "xlsx", "mspdi")
MPXJ_SUFFIXES = (".mpp", ".mpt", ".mpx", ".xer", ".pmxml", ".pp", ".pod", ".gan", ".planner",
                 ".fts", ".cdpx", ".cdpz", ".sdef", ".pep", ".ppx", ".gnt", ".prx",
                 ".schedule_grid", ".mdb", ".p3", ".zip", ".spreadsheetml", ".xml")


@dataclass
class Converted:
    data: bytes
    doc: dict[str, Any]
    source_format: str
    target_format: str
    report: Report = field(default_factory=Report)

    @property
    def counts(self) -> dict[str, int]:
        return seed_counts(self.doc)


def canonical_format(name: str) -> str:
    return ALIASES.get(name, name)


def implied_output(output: str | None) -> tuple[str, ...]:
    """The formats an output name allows (empty: the name says nothing)."""
    if not output or output == "-":
        return ()
    lower = output.lower()
    if lower.endswith((".yaml", ".yml")):
        return ("seed-yaml",)
    if lower.endswith(".json"):
        return ("seed-json", "tasks-json")
    if lower.endswith(".csv"):
        return ("csv",)
    if lower.endswith(".xlsx"):
        return ("xlsx",)
    if lower.endswith(".xml"):
        return ("mspdi",)
    return ()


def output_format(output: str | None, wanted: str | None, source_format: str) -> str:
    """The target format: --to (which must agree with the output name), else the name's,
    else seed JSON for a plan coming from another format."""
    implied = implied_output(output)
    if wanted:
        spelled, wanted = wanted, canonical_format(wanted)
        if wanted not in WRITABLE:
            raise UsageError(f"plansync cannot write {wanted}",
                             hint=f"write one of {', '.join(WRITABLE)}")
        if implied and wanted not in implied:
            from plansync.render.safe import escape

            hint = {"seed-json": "name the file .seed.json", "seed-yaml":
                    "name the file .seed.yaml", "tasks-json": "name the file .json",
                    "csv": "name the file .csv", "xlsx": "name the file .xlsx",
                    "mspdi": "name the file .xml"}[wanted]
            raise UsageError(f"--to {spelled} contradicts the output name {escape(output or '')}",
                             hint=f"{hint}, or drop --to")
        return wanted
    if implied:
        return implied[0]
    if source_format not in SEED_FORMATS:
        return "seed-json"
    what = "-" if not output or output == "-" else output
    raise UsageError(f"cannot tell the output kind of {what}",
                     hint="name it .seed.json, .seed.yaml, .csv, .xlsx or .xml, or add --to "
                     "FORMAT")


def input_format(path: str, given: str | None, limits: Limits) -> str:
    """The source format: --from, else the file name, else the content."""
    if given:
        return canonical_format(given)
    lower = path.lower()
    if lower.endswith(".seed.json"):
        return "seed-json"
    if lower.endswith((".seed.yaml", ".seed.yml", ".yaml", ".yml")):
        return "seed-yaml"
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if lower.endswith(".xml"):
        return "mspdi"
    if lower.endswith(MPXJ_SUFFIXES):
        return "mpxj"
    data = read_bounded(path, limits.max_bytes)
    if lower.endswith(".json") or data.lstrip()[:1] in (b"{", b"["):
        doc = _json(path, data, limits)
        if isinstance(doc, list):
            return "tasks-json"
        if isinstance(doc, dict) and "project" in doc:
            return "msproject-json"
        if isinstance(doc, dict) and "program" in doc:
            return "seed-json"
    if data.startswith(b"PK"):
        return "xlsx"
    if data.lstrip()[:1] == b"<":
        return "mspdi"
    raise ConvertError([located(path, "cannot tell the format of this file",
                                f"name the format with --from ({', '.join(FORMATS)})")])


def _text(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConvertError([located(path, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at "
                                    f"offset {exc.start}", "save the file as UTF-8")]) from None


def _json(path: str, data: bytes, limits: Limits) -> Any:
    return parse_json(path, _text(path, data), limits)


def read_plan(path: str, source_format: str, *, program: str | None, project: str | None,
              start: str | None, limits: Limits, report: Report) -> dict[str, Any]:
    """A valid seed document from `path` in `source_format`."""
    if source_format in SEED_FORMATS:
        from plansync.seed.validate import load_valid

        doc: dict[str, Any] = load_valid(path, limits).doc
        if doc.get("version") == 2:
            from plansync.seed.events import final_state

            report.drop("events (the final state is converted)", len(doc.get("events", [])))
            doc = {"version": 1, "program": final_state(doc)["program"]}
        if program:
            doc = {**doc, "program": {**doc["program"], "code": program}}
        return doc
    if source_format in ("mpxj", "mspdi"):
        from plansync.convert import mpxj

        read_bounded(path, limits.max_bytes)  # a FIFO or an oversize file stops here
        doc = mpxj.read(path, program=program, project=project, report=report)
        return finish_seed(doc, path, report)
    data = read_bounded(path, limits.max_bytes)
    if source_format == "msproject-json":
        from plansync.convert import msproject

        text = _text(path, data)
        doc = msproject.read(path, text, parse_json(path, text, limits), program=program,
                             project=project, report=report)
    elif source_format == "tasks-json":
        from plansync.convert import tasks_json

        text = _text(path, data)
        doc = tasks_json.read(path, text, parse_json(path, text, limits), program=program,
                              project=project, start=start, report=report)
    elif source_format in ("csv", "xlsx"):
        from plansync.convert import csvfile, sheet, xlsx

        table = csvfile.read(path, data) if source_format == "csv" else xlsx.read(path, data)
        doc = sheet.read_table(table, program=program, project=project, start=start,
                               report=report)
    else:
        raise UsageError(f"unknown format {source_format}",
                         hint=f"use one of {', '.join(FORMATS)}")
    return finish_seed(doc, path, report)


def convert(source: str, *, source_format: str | None = None, target_format: str,
            program: str | None = None, project: str | None = None,
            parts: tuple[str, ...] = (), initial: bool = False, start: str | None = None,
            limits: Limits | None = None) -> Converted:
    """Convert the file `source` into `target_format`: the bytes, the (seed) plan they
    hold, and what was dropped."""
    limits = limits or Limits()
    report = Report()
    fmt = input_format(source, source_format, limits)
    target = canonical_format(target_format)
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt}", hint=f"use one of {', '.join(FORMATS)}")
    doc = read_plan(source, fmt, program=program, project=project, start=start,
                    limits=limits, report=report)
    seed_in = fmt in SEED_FORMATS
    doc = cut(doc, target, project=project if seed_in else None, select=seed_in and bool(
        project), parts=parts, initial=initial, report=report, source=source)
    filtered = bool(parts or initial or (seed_in and (project or program)))
    return Converted(_write(source, fmt, target, doc, report, initial, filtered, limits), doc,
                     fmt, target, report)


def cut(doc: dict[str, Any], target: str, *, project: str | None, select: bool,
        parts: tuple[str, ...], initial: bool, report: Report, source: str) -> dict[str, Any]:
    """The part of a valid plan a conversion writes: one project (for the formats that hold
    one, or when `select`), the subtrees `parts`, without progress when `initial`."""
    changed = False
    if target in ONE_PROJECT or parts or select:
        doc = only_project(doc, project, report)
        changed = True
    if parts:
        doc = select_part(doc, parts, report)
    if initial:
        doc = initial_state(doc, report)
        changed = True
    return finish_seed(doc, source) if changed else doc


def export_plan(doc: dict[str, Any], target: str, *, name: str, project: str | None,
                parts: tuple[str, ...] = (), initial: bool = False) -> Converted:
    """An exported (valid) plan written as `target`, cut like `convert` cuts it."""
    report = Report()
    target = canonical_format(target)
    doc = cut(doc, target, project=project, select=bool(project), parts=parts,
              initial=initial, report=report, source=name)
    return Converted(_write(name, "seed-json", target, doc, report, initial, True, Limits()),
                     doc, "seed-json", target, report)


def _write(source: str, fmt: str, target: str, doc: dict[str, Any], report: Report,
           initial: bool, filtered: bool, limits: Limits) -> bytes:
    if target == "seed-json":
        from plansync.seed.canonical import canonical_bytes

        return canonical_bytes(doc)
    if target == "seed-yaml":
        if fmt == "seed-yaml" and not filtered:
            from plansync.seed.convert import converted_bytes

            return converted_bytes(source, "yaml", limits)  # YAML to YAML keeps comments
        from plansync.seed import yamlio
        from plansync.seed.canonical import normalise

        return yamlio.dump_plain(normalise(doc)).encode("utf-8")
    if target in ("csv", "xlsx"):
        from plansync.convert import csvfile, sheet, xlsx

        header, rows = sheet.export_rows(doc, report, initial=initial)
        if target == "csv":
            return csvfile.write(header, rows)
        return xlsx.write(header, rows, doc["program"]["projects"][0]["name"])
    if target == "tasks-json":
        from plansync.convert import tasks_json

        return tasks_json.export(doc, report, initial=initial)
    if target == "mspdi":
        from plansync.convert import mpxj

        return mpxj.write_mspdi(doc, report)
    raise UsageError(f"plansync cannot write {target}", hint=f"write one of {', '.join(WRITABLE)}")


def dumps_report(converted: Converted, source: str, output: str) -> str:
    return json.dumps({"source": source, "from": converted.source_format, "output": output,
                       "to": converted.target_format, "counts": converted.counts,
                       **converted.report.as_json()}, ensure_ascii=False)
