"""kb: a research knowledge base and claim tracker."""
