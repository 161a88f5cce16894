"""Long inputs: a 2 MB paragraph with no full stop, and one just under the length limit, ingested
while another user edits a claim every 50 ms. Prints how long each took and how the edits fared.

    .venv/bin/python benchmarks/ingest_long.py [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

from kb.db import session_scope  # noqa: E402
from kb.ingest import IngestError, SourceMeta, ingest_bytes  # noqa: E402
from kb.ingest.service import MAX_TEXT_CHARS  # noqa: E402
from kb.models import Claim  # noqa: E402
from scratch import scratch  # noqa: E402
from kb.seeds import load_seeds  # noqa: E402
from kb.services.claims import ClaimFields, edit_claim  # noqa: E402

RUN_ON = ("DeepSeek raised $1.{n} billion from investors, and its rivals spent about {n}0 million "
          "dollars on chips while Moonshot AI trained a model with {n}0 billion parameters, ")


def paragraph(chars: int) -> str:
    """One paragraph of about `chars` characters with figures everywhere and no full stop."""
    parts, size, n = [], 0, 0
    while size < chars:
        part = RUN_ON.format(n=n % 9 + 1)
        parts.append(part)
        size += len(part)
        n += 1
    return "".join(parts)[:chars]


class Editor(threading.Thread):
    """Another user, saving an edit of one claim every 50 ms until told to stop."""

    def __init__(self, engine, claim_id: int):
        super().__init__(daemon=True)
        self.engine, self.claim_id = engine, claim_id
        self.saved, self.failed, self.slowest = 0, [], 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            started = time.perf_counter()
            try:
                with session_scope(self.engine) as session:
                    claim = session.get(Claim, self.claim_id)
                    edit_claim(session=session, claim_id=claim.id, base_version=claim.version, actor_id=None,
                               fields=ClaimFields(subject_id=claim.subject_id, attribute_id=claim.attribute_id,
                                                  statement=f"{claim.statement.split(' #')[0]} #{n}"))
                self.saved += 1
            except Exception as exc:  # noqa: BLE001 - every failure is what this measures
                self.failed.append(f"{type(exc).__name__}: {str(exc)[:80]}")
            self.slowest = max(self.slowest, time.perf_counter() - started)
            time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a scratch SQLite file under var/")
    args = parser.parse_args()
    settings, engine = scratch("bench-long", args.database_url)
    with session_scope(engine) as session:
        if session.exec(select(Claim.id)).first() is None:
            load_seeds(session=session, settings=settings)
    with Session(engine) as session:
        claim_id = session.exec(select(Claim.id).order_by(Claim.id)).first()

    for label, chars in (("2 MB, no full stop", 2 * 1024 * 1024), ("just under the limit", MAX_TEXT_CHARS - 1000)):
        text = paragraph(chars)
        editor = Editor(engine, claim_id)
        editor.start()
        started = time.perf_counter()
        try:
            with session_scope(engine) as session:
                result = ingest_bytes(session=session, data=text.encode(), name=f"{chars}.txt",
                                      meta=SourceMeta(title=f"long {chars} {time.time()}"), actor_id=None)
            outcome = f"ingested: {result.proposed:,} claims proposed from {result.sentences:,} pieces"
        except IngestError as exc:
            outcome = f"refused: {exc}"
        elapsed = time.perf_counter() - started
        editor.stop.set()
        editor.join()
        print(f"{label} ({len(text):,} characters): {elapsed:.1f} s; {outcome}")
        print(f"  meanwhile another user's edits: {editor.saved} saved, {len(editor.failed)} failed, "
              f"slowest {editor.slowest * 1000:.0f} ms" + (f"; first failure {editor.failed[0]}" if editor.failed else ""))
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
