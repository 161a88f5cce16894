"""Structured sources imported as claims: Epoch AI's model and hardware datasets."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from kb.importers.dataset import ImportReport, Progress, import_dataset
from kb.importers.epoch import DATASETS
from kb.importers.table import DatasetError

__all__ = ["DATASETS", "DatasetError", "ImportReport", "import_epoch"]


def import_epoch(*, session: Session, dataset: str, path: Path,
                 progress: Progress | None = None) -> ImportReport:
    """Import an Epoch AI CSV ("epoch-models" or "epoch-hardware"), then recheck what it touched."""
    from kb.contradictions import update_for_claims
    spec = DATASETS.get(dataset)
    if spec is None:
        raise DatasetError(f"unknown dataset {dataset!r}; known: {', '.join(sorted(DATASETS))}")
    report = import_dataset(session=session, spec=spec, path=Path(path), progress=progress)
    update_for_claims(session=session, claim_ids=report.changed_claim_ids)
    return report
