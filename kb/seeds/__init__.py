"""The curated seed knowledge base: reading, validating and upserting seeds/."""

from kb.seeds.files import SeedError, read_seed_files
from kb.seeds.load import SeedReport, load_seeds

__all__ = ["SeedError", "SeedReport", "load_seeds", "read_seed_files"]
