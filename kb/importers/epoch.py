"""Epoch AI's datasets (epoch.ai/data, CC BY 4.0): which columns become which claims.

Natural keys make re-imports safe: a dataset is one source ("epoch-models"), a row is one
source named by the row's identity ("epoch-models:DeepSeek-V3"), and a claim is one figure of one
row ("epoch-models:DeepSeek-V3:training_cost"). A newer snapshot updates the figures that changed
(with an edit event and version + 1) and adds new rows; nothing is duplicated.

Scope choices: Epoch's training cost is the compute cost of the final training run in 2023
dollars, so its claims carry the scope "training compute cost (2023 USD)". Under the qualifier
rule (an unstated scope is compatible with a stated one) that keeps it next to article figures
that state no scope ("DeepSeek-V3 cost around $5.5 million") and apart from figures an editor
scoped differently ("server price", "all-in cost"). Other figures (parameters, compute, hardware
quantity, dates, chip specifications) carry no scope: they mean the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One figure of a row: the first non-empty of `headers`, as `attribute`."""

    headers: tuple[str, ...]
    attribute: str
    unit: str
    kind: str = "number"           # number or date
    bound: str = "exact"
    method: str = "reported"
    scope: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str                     # natural-key prefix and CLI name
    title: str
    url: str
    identity: str                 # the column naming the row's entity
    entity_kind: str
    maker: str                    # the column naming the organization(s) behind it
    columns: tuple[Column, ...]
    confidence: str | None = None
    hardware: str | None = None   # the column naming training chips (models only)
    snapshot_column: str | None = None

    @property
    def required(self) -> tuple[str, ...]:
        return (self.identity, self.maker)

    @property
    def read(self) -> tuple[str, ...]:
        """Every column whose cells kb stores or parses (the others, notes and abstracts, are never read)."""
        optional = (self.confidence, self.hardware, self.snapshot_column)
        return (*self.required, *(h for h in optional if h), *(h for c in self.columns for h in c.headers))


PUBLISHER = "Epoch AI"
LICENSE = "CC BY 4.0"

MODELS = Dataset(
    name="epoch-models",
    title="Epoch AI: Notable AI Models",
    url="https://epoch.ai/data/notable-ai-models",
    identity="Model",
    entity_kind="model",
    maker="Organization",
    confidence="Confidence",
    hardware="Training hardware",
    columns=(
        Column(("Parameters",), "parameters_total", "parameters"),
        Column(("Training compute (FLOP)",), "training_compute", "FLOP", bound="approx", method="estimated"),
        Column(("Training compute cost (2023 USD)",), "training_cost", "USD", bound="approx",
               method="estimated", scope="training compute cost (2023 USD)"),
        Column(("Hardware quantity",), "hardware_quantity", "count"),
        Column(("Publication date",), "publication_date", "date", kind="date"),
    ),
)

HARDWARE = Dataset(
    name="epoch-hardware",
    title="Epoch AI: Machine Learning Hardware",
    url="https://epoch.ai/data/machine-learning-hardware",
    identity="Hardware name",
    entity_kind="chip",
    maker="Manufacturer",
    snapshot_column="Last modified",
    columns=(
        Column(("FP64 (double precision) performance (FLOP/s)",), "flops_fp64", "FLOP/s"),
        Column(("FP32 (single precision) performance (FLOP/s)",), "flops_fp32", "FLOP/s"),
        # flops_fp16 is the dense tensor FP16/BF16 peak; chips without tensor units give plain FP16.
        Column(("Tensor-FP16/BF16 performance (FLOP/s)", "FP16 (half precision) performance (FLOP/s)"),
               "flops_fp16", "FLOP/s"),
        Column(("FP8 performance (FLOP/s)",), "flops_fp8", "FLOP/s"),
        Column(("FP4 performance (FLOP/s)",), "flops_fp4", "FLOP/s"),
        Column(("INT8 performance (OP/s)",), "ops_int8", "FLOP/s"),
        Column(("Memory size per board (Byte)",), "memory_size", "B"),
        Column(("Memory bandwidth (byte/s)",), "memory_bandwidth", "B/s"),
        Column(("TDP (W)",), "tdp", "W"),
        Column(("Release price (USD)",), "release_price", "USD"),
        Column(("Release date",), "release_date", "date", kind="date"),
    ),
)

DATASETS = {MODELS.name: MODELS, HARDWARE.name: HARDWARE}
