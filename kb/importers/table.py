"""Reading a dataset CSV by header name, with a clear message for every row that cannot be used."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kb.textcheck import problem_in


class DatasetError(ValueError):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass
class Row:
    number: int          # 1 for the first data row
    line: int            # line of the file where the row starts (cells may span lines)
    cells: dict[str, str]

    @property
    def where(self) -> str:
        return f"row {self.number} (line {self.line})"


def read_table(path: Path, required: tuple[str, ...],
               read: tuple[str, ...] | None = None) -> tuple[list[str], list[Row], list[str]]:
    """(header, usable rows, errors): rows with too many or too few cells are reported, not read.

    So is a row with a control character (kb.textcheck) in a column the importer reads (`read`,
    every column by default): on any database, the row is refused with where it was.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a directory, not a CSV file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise DatasetError(f"{path}: empty file: no header row")
    reader.fieldnames = header
    missing = [h for h in required if h not in header]
    if missing:
        raise DatasetError(f"{path}: missing column(s) {', '.join(map(repr, missing))}; "
                           f"the header has {len(header)} columns")
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if dupes:
        raise DatasetError(f"{path}: column(s) named twice: {', '.join(map(repr, dupes))}")
    rows, errors = [], []
    number = 0
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {reader.line_num}: unreadable CSV ({exc}); the rest of the file was not read")
            break
        number += 1
        row = Row(number, line, cells)
        line = reader.line_num + 1
        if None in cells:
            errors.append(f"{row.where}: {len(cells[None])} cell(s) more than the header's "
                          f"{len(header)} columns; the row is garbled and was not imported")
            continue
        short = [h for h, v in cells.items() if v is None]
        if short:
            errors.append(f"{row.where}: only {len(header) - len(short)} of {len(header)} cells "
                          f"(missing from {short[0]!r} on); the row is garbled and was not imported")
            continue
        row.cells = {k: v.strip() for k, v in cells.items()}
        bad = next(((h, problem_in(row.cells[h])) for h in (read or header) if problem_in(row.cells.get(h, ""))), None)
        if bad:
            errors.append(f"{row.where}, column {bad[0]!r}: {bad[1]}; the row was not imported")
            continue
        rows.append(row)
    return header, rows, errors
