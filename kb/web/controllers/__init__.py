"""Controllers, one module per resource; each module lists its handlers in ROUTES."""

from __future__ import annotations

import importlib
import pkgutil


def discover() -> list:
    """Every ROUTES entry of every module in this package, in module-name order."""
    handlers: list = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        handlers.extend(getattr(module, "ROUTES", []))
    return handlers
