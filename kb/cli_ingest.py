"""`ingest PATH...`: read articles into sources and proposed claims for review."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kb.cli import _EXTENSIONS, CommandError, _check_connection, _engine, command


@command("ingest")
def cmd_ingest(args, settings) -> int:
    from kb.db import session_scope
    from kb.ingest import IngestError, SourceMeta, Vocabulary, ingest_bytes
    from kb.migrate import is_empty
    from kb.services.errors import InvalidInput
    from sqlmodel import Session
    from kb.nlp.language import ModelMissing, check_installed
    try:
        check_installed()
    except ModelMissing as exc:
        raise CommandError(str(exc)) from None
    engine = _engine(settings)
    _check_connection(engine)
    if is_empty(engine):
        raise CommandError("the database has no schema yet: run `python manage.py migrate` first")
    if len(args.paths) > 1 and (args.title or args.url):
        raise CommandError("--title and --url name one article: ingest one PATH at a time with them")
    meta = SourceMeta(title=args.title or "", publisher=args.publisher or "", url=args.url or "",
                      published=args.published or "")
    with Session(engine) as session:
        vocabulary = Vocabulary.load(session)
    outcomes, failed = [], 0
    for name in args.paths:
        path = Path(name)
        try:
            data = _read(path)
            # One transaction per file: a refused file leaves nothing behind, the others stand.
            with session_scope(engine) as session:
                result = ingest_bytes(session=session, data=data, name=str(path), meta=meta,
                                      actor_id=None, vocabulary=vocabulary,
                                      max_bytes=settings.max_upload_bytes)
            outcomes.append(result.to_json())
            if not args.json:
                print(_describe(result))
        except (IngestError, InvalidInput, CommandError) as exc:
            failed += 1
            outcomes.append({"path": str(path), "error": str(exc)})
            if not args.json:
                print(f"error: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(outcomes, indent=2, ensure_ascii=False))
    return 1 if failed else 0


def _read(path: Path) -> bytes:
    if not path.exists():
        raise CommandError(f"{path}: no such file")
    if path.is_dir():
        raise CommandError(f"{path}: is a directory; name the article files")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read it ({exc.strerror})") from None


def _describe(result) -> str:
    if result.skipped:
        return f"{result.path}: {result.message}"
    line = (f"{result.path}: source {result.source_id}, {_n(result.sentences, 'sentence')}, "
            f"{_n(result.proposed, 'claim')} proposed, {_n(result.verify_items, '[VERIFY] item')}")
    if result.new_entities:
        line += f"; names not in kb: {', '.join(result.new_entities[:10])}"
    if result.message:
        line += f"\n  {result.message}"
    return line + f"\n  review them at /ingest/{result.source_id}"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _add_parsers(sub) -> None:
    p = sub.add_parser("ingest", help="read articles (.txt, .md, .html) into proposed claims for review")
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files")
    p.add_argument("--title", help="the article's title (default: from the file)")
    p.add_argument("--publisher", help="who published it")
    p.add_argument("--url", help="where it was published; re-ingesting the same URL updates it")
    p.add_argument("--published", metavar="DATE", help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print one JSON object per file")


_EXTENSIONS.append(_add_parsers)
