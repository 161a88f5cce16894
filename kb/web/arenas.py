"""Fewer malloc arenas for the server's threads.

glibc gives each thread that allocates an arena of its own (up to eight per core), and memory a
thread frees goes back to that thread's arena, where it stays. Each worker thread that renders
pages (sync_to_thread) so kept megabytes of free memory of its own, more with every concurrent
request. Two arenas bound that at little cost: the workers take turns on the interpreter's lock.
"""

from __future__ import annotations

import ctypes
import os

ARENAS = 2
_M_ARENA_MAX = -8   # mallopt's parameter number, from glibc's malloc.h


def limit_arenas(arenas: int = ARENAS) -> None:
    """Cap the arenas threads started from now on may create; a no-op outside glibc, and where
    MALLOC_ARENA_MAX is set the operator's value stands."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_ARENA_MAX, arenas)
