"""Letting PostgreSQL write confidences while Python reads and checks the next claims.

A first full recheck after a bulk load writes a million confidences. PostgreSQL spends about as
long on that UPDATE as Python spends reading and checking every claim, and each sits idle while the
other works. When the recheck's transaction has written nothing yet, a second connection can read
the very same snapshot (exported with pg_export_snapshot), so the checks read there while a
background thread writes each batch of confidences through the recheck's own connection, inside
its transaction. When the transaction has written something, a second connection would not see it,
so the recheck reads and writes through its own connection one after the other as before.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

CHUNK = 50_000   # confidences per UPDATE from the background thread

_UPDATE = ("UPDATE claim SET confidence = v.confidence FROM unnest(%s::bigint[], %s::float8[]) "
           "AS v(id, confidence) WHERE claim.id = v.id")


@contextmanager
def snapshot_reader(connection: Connection) -> Iterator[Connection | None]:
    """A second connection on the same snapshot as `connection`, or None where that is not possible."""
    if connection.dialect.name != "postgresql":
        yield None
        return
    if connection.exec_driver_sql("SELECT pg_current_xact_id_if_assigned()").scalar() is not None:
        yield None   # this transaction has written rows another connection cannot see
        return
    snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
    with connection.engine.connect() as reader:
        reader.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        reader.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        try:
            yield reader
        finally:
            reader.rollback()


class ConfidenceWriter:
    """Writes batches of (claim id, confidence) through `connection` on a thread of its own.

    The caller must not use `connection` between start() and close(); close() waits for every
    batch and raises what the thread raised, so a failed write fails the recheck.
    """

    def __init__(self, connection: Connection):
        self._raw = connection.connection.driver_connection
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kb-confidence-writer", daemon=True)
        self._thread.start()

    def put(self, ids, values) -> None:
        if self._error is None and len(ids):
            self._queue.put((list(ids), list(values)))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue   # drain what is queued; close() reports the error
            try:
                with self._raw.cursor() as cursor:
                    cursor.execute(_UPDATE, batch)
            except BaseException as exc:   # handed to close(), on the caller's thread
                self._error = exc
