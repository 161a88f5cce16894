"""`contradictions`, `add-rate` and `import-dataset`: rechecking conflicts, recording conversion
rates and importing Epoch AI's CSVs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kb.cli import _EXTENSIONS, CommandError, _check_connection, _engine, command, progress_display


def _ready_engine(settings):
    from kb.migrate import is_empty
    engine = _engine(settings)
    _check_connection(engine)
    if is_empty(engine):
        raise CommandError("the database has no schema yet: run `python manage.py migrate` first")
    return engine


@command("contradictions")
def cmd_contradictions(args, settings) -> int:
    from kb.contradictions import contradictions_json, recheck_all
    from kb.db import session_scope
    engine = _ready_engine(settings)
    with session_scope(engine) as session:
        report = recheck_all(session=session)
        groups = contradictions_json(session=session, status=args.status)
    if args.json:
        json.dump(groups, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for g in groups:
            subject = g["subject"]
            where = f"{subject['kind']}:{subject['slug']}" if subject else "?"
            print(f"#{g['id']} [{g['status']}] {g['kind']} {where} {g['attribute']} "
                  f"(severity {g['severity']:.3f}): {g['summary']}")
        for note in report.notes:
            print(f"not compared: entity {note.subject_id}, claims {note.claim_ids}: {note.reason}")
    changes = ", ".join(f"{n} {what}" for what, n in (
        ("new", report.created), ("updated", report.updated), ("reopened", report.reopened),
        ("dissolved", report.dissolved), ("confidences changed", report.confidences_changed)) if n)
    print(f"checked {report.claims} claims in {report.buckets} groups of subject and attribute "
          f"in {report.seconds:.2f}s; {len(groups)} contradiction group(s) listed"
          + (f"; {changes}" if changes else ""), file=sys.stderr)
    return 0


@command("import-dataset")
def cmd_import_dataset(args, settings) -> int:
    from kb.db import session_scope
    from kb.importers import DatasetError, import_epoch
    engine = _ready_engine(settings)
    try:
        with session_scope(engine) as session:
            report = import_epoch(session=session, dataset=args.dataset, path=Path(args.path),
                                  progress=progress_display(args.dataset))
    except DatasetError as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        json.dump(report.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"{report.path}: {report.rows_imported} of {report.rows} rows imported "
          f"(snapshot {report.snapshot_date or 'unknown'}); claims: {report.claims_created} new, "
          f"{report.claims_updated} updated, {report.claims_unchanged} unchanged")
    for kind, names in sorted(report.created.items()):
        shown = ", ".join(names[:8]) + (f", ... ({len(names) - 8} more)" if len(names) > 8 else "")
        print(f"new {kind} entities ({len(names)}), not found among existing names: {shown}")
    for name, matched, score in report.near_misses:
        print(f"near miss: {name!r} taken as {matched!r} (similarity {score})")
    for warning in report.warnings:
        print(f"warning: {warning}")
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if report.errors:
        print(f"{len(report.errors)} problem(s) above; everything else was imported", file=sys.stderr)
    return 0


@command("add-rate")
def cmd_add_rate(args, settings) -> int:
    from datetime import date
    from kb.db import session_scope
    from kb.services.errors import InvalidInput
    from kb.services.rates import record_rate
    try:
        dated = date.fromisoformat(args.date)
    except ValueError:
        raise CommandError(f"date: {args.date!r} is not a date (YYYY-MM-DD)") from None
    engine = _ready_engine(settings)
    try:
        with session_scope(engine) as session:
            row = record_rate(session, currency=args.currency, dated=dated, rate=args.rate,
                              source_id=args.source_id, note=args.note)
            print(f"{row.currency} on {row.dated.isoformat()}: {row.rate:g} per USD; "
                  f"figures in {row.currency} rechecked")
    except InvalidInput as exc:
        raise CommandError(str(exc)) from None
    return 0


def _extend(sub) -> None:
    p = sub.add_parser("contradictions", help="recheck every contradiction group and list them")
    p.add_argument("--json", action="store_true", help="print the groups as JSON")
    p.add_argument("--status", choices=["open", "resolved", "explained"], help="only groups with this status")
    p = sub.add_parser("import-dataset", help="import an Epoch AI CSV (models or hardware)")
    p.add_argument("dataset", choices=["epoch-models", "epoch-hardware"], help="which Epoch dataset the file is")
    p.add_argument("path", metavar="PATH", help="the CSV file")
    p.add_argument("--json", action="store_true", help="print the import report as JSON")
    p = sub.add_parser("add-rate", help="record a dated conversion rate so figures in that currency are "
                                        "compared with dollar figures")
    p.add_argument("currency", help="ISO code of the currency, e.g. CNY")
    p.add_argument("date", help="the day the rate held (YYYY-MM-DD)")
    p.add_argument("rate", type=float, help="units of the currency one US dollar bought that day")
    p.add_argument("--source-id", type=int, help="the source that states the rate")
    p.add_argument("--note", default="", help="anything a fact-checker should know about the rate")


_EXTENSIONS.append(_extend)
