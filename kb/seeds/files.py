"""Read the seed files into plain records, with the file and line of each for error messages."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class SeedError(ValueError):
    """One or more seed files are malformed; every problem is named with its file and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Record:
    """One [[table]] entry of a seed file."""

    data: dict[str, Any]
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


PLURAL = {"attribute": "attributes", "source": "sources", "entity": "entities",
          "relation": "relations", "claim": "claims"}


@dataclass
class SeedSet:
    attributes: list[Record] = field(default_factory=list)
    sources: list[Record] = field(default_factory=list)
    entities: list[Record] = field(default_factory=list)
    relations: list[Record] = field(default_factory=list)
    claims: list[Record] = field(default_factory=list)


def _table_lines(text: str, table: str) -> list[int]:
    """Line numbers of each `[[table]]` header, in order, so record i can name its line."""
    pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(table)}[ \t]*\]\]", re.MULTILINE)
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]


def _read(path: Path, problems: list[str]) -> tuple[dict[str, Any], str]:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})")
        return {}, ""
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: {exc}")
        return {}, ""


def _records(path: Path, table: str, problems: list[str], doc: dict, text: str) -> list[Record]:
    items = doc.get(table, [])
    if not isinstance(items, list):
        problems.append(f"{path}: `{table}` must be an array of tables ([[{table}]])")
        return []
    lines = _table_lines(text, table)
    out = []
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else 1
        if not isinstance(item, dict):
            problems.append(f"{path}:{line}: [[{table}]] entry is not a table")
            continue
        out.append(Record(item, path, line))
    return out


def read_seed_files(seeds_dir: Path) -> SeedSet:
    """Parse every seed file; raise SeedError listing all syntax problems at once."""
    problems: list[str] = []
    seeds = SeedSet()
    if not seeds_dir.is_dir():
        raise SeedError([f"{seeds_dir}: seeds directory not found"])
    layout = [
        (sorted(seeds_dir.glob("attributes*.toml")), ("attribute",)),
        ([seeds_dir / "sources.toml"], ("source",)),
        (sorted((seeds_dir / "entities").glob("*.toml")), ("entity", "relation")),
        (sorted((seeds_dir / "claims").glob("*.toml")), ("claim",)),
    ]
    for paths, tables in layout:
        for path in paths:
            if not path.exists():
                problems.append(f"{path}: missing")
                continue
            doc, text = _read(path, problems)
            unknown = set(doc) - set(tables)
            if unknown:
                problems.append(f"{path}: unexpected tables {sorted(unknown)}; expected {list(tables)}")
            for table in tables:
                getattr(seeds, PLURAL[table]).extend(_records(path, table, problems, doc, text))
    if problems:
        raise SeedError(problems)
    return seeds
