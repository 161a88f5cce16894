"""The datasets shipped under seeds/ (Epoch AI's CSVs), imported after the curated seeds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from kb.importers import ImportReport, import_epoch
from kb.importers.dataset import Progress

# Which dataset each shipped file is. Hardware first: the models' "Training hardware" cells then
# link to the chips its rows created, and a second run links them the same way (stable relations).
SHIPPED = (("epoch-hardware", "epoch/ml_hardware*.csv"), ("epoch-models", "epoch/notable_ai_models*.csv"))

ProgressFor = Callable[[str], Progress]


def shipped_files(seeds_dir: Path) -> list[tuple[str, Path]]:
    """(dataset, path) for each shipped file present, the newest snapshot when several are."""
    found = []
    for dataset, pattern in SHIPPED:
        paths = sorted(seeds_dir.glob(pattern))
        if paths:
            found.append((dataset, paths[-1]))
    return found


def import_shipped(*, session: Session, seeds_dir: Path,
                   progress: ProgressFor | None = None) -> list[ImportReport]:
    """Import every shipped dataset file; re-importing an unchanged file changes nothing."""
    return [import_epoch(session=session, dataset=dataset, path=path,
                         progress=progress(dataset) if progress else None)
            for dataset, path in shipped_files(seeds_dir)]
