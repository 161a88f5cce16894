"""Where sources disagree: grouping, comparison, derived checks, corroboration and persistence."""
