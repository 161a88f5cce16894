"""The one rule for text from outside (forms, uploads, CSV cells, JSON loads, URLs).

Control characters other than tab and line breaks are refused, wherever they arrive: PostgreSQL
cannot store NUL at all, SQLite stores anything, and a rule that depends on the database means a
knowledge base that cannot move between them. Surrogates (which no UTF-8 text holds) go too.
Carriage returns stay: browsers send a textarea's line breaks as CR LF.
"""

from __future__ import annotations

import math
import re
from typing import Any

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class BadText(ValueError):
    """Text holding a character kb does not store; the message says where and which."""

    def __init__(self, where: str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def problem_in(text: str) -> str | None:
    """What is wrong with `text` under the rule, or None when it may be stored."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    kind = "a surrogate code point" if "\ud800" <= match.group() <= "\udfff" else "a control character"
    return f"contains {kind} ({describe(match.group())}) at character {match.start() + 1}"


def check_text(text: str, where: str) -> str:
    """`text` unchanged, or BadText naming `where` it came from."""
    problem = problem_in(text)
    if problem:
        raise BadText(where, problem)
    return text


def check_number(value: float, where: str) -> float:
    """A finite number, or BadText: NaN and infinities are refused everywhere."""
    if isinstance(value, float) and not math.isfinite(value):
        raise BadText(where, f"{value!r} is not a finite number")
    return value


def check_value(value: Any, where: str) -> Any:
    """Text and numbers checked by the rule, lists and objects walked; anything else passed through."""
    if isinstance(value, str):
        return check_text(value, where)
    if isinstance(value, float):
        return check_number(value, where)
    if isinstance(value, dict):
        for key, item in value.items():
            check_text(str(key), f"{where}, key {key!r}")
            check_value(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_value(item, f"{where}[{i}]")
    return value
