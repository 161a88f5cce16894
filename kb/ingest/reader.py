"""Bytes of an uploaded or named file -> the article text kb stores, or a clear refusal."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from kb.ingest.html import html_to_text

FORMATS = ("text", "markdown", "html")
_EXTENSIONS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
               ".html": "html", ".htm": "html", ".xhtml": "html"}
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Magic numbers of formats people upload by mistake, so the refusal can say what the file is.
_MAGIC = ((b"%PDF", "a PDF"), (b"PK\x03\x04", "a ZIP archive (or a Word/Excel file)"),
          (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"\x1f\x8b", "a gzip archive"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
          (b"\x7fELF", "a program"), (b"SQLite format 3", "an SQLite database"))
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")  # ties on short samples go to Western encodings


class IngestError(ValueError):
    """An input kb refuses to ingest; the message says why and what to do."""


@dataclass(frozen=True)
class Document:
    """An article's text as kb stores it (newlines normalized), with what the file itself told."""

    text: str
    format: str
    title: str
    encoding: str


def format_for(name: str, data: bytes) -> str:
    """text, markdown or html: from the file's extension, else from its first bytes."""
    fmt = _EXTENSIONS.get(Path(name).suffix.lower())
    if fmt:
        return fmt
    return "html" if _HTML_START.match(data[:2048]) else "text"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows as ASCII letters alternating with zero bytes."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _detect(data: bytes, fmt: str) -> str:
    if fmt == "html":
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii").lower()
            try:
                data.decode(name)
                return codecs.lookup(name).name
            except (LookupError, UnicodeDecodeError):
                pass
    results = from_bytes(data)
    best = results.best()
    if best is None or best.chaos > 0.3:
        return ""
    for match in results:
        if match.encoding in _PREFERRED and match.chaos <= best.chaos + 0.1:
            return match.encoding
    return best.encoding


def decode(data: bytes, *, name: str = "", fmt: str = "text") -> tuple[str, str]:
    """(text, encoding): a BOM decides, then strict UTF-8, then detection; else IngestError."""
    label = name or "the input"
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(f"{label}: starts with a {encoding} byte-order mark but is not "
                                  f"valid {encoding} (byte {exc.start}); nothing was stored") from None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{label}: this is {what}, not text; save the article as .txt, .md or "
                              ".html and ingest that")
    if b"\x00" in data[:8192]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise IngestError(f"{label}: looks like binary data (it holds zero bytes), not text; "
                              "nothing was stored")
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            raise IngestError(f"{label}: looks like binary data, not text; nothing was stored") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(data, fmt)
    if not encoding:
        raise IngestError(f"{label}: cannot tell its text encoding (it is not UTF-8 and no other "
                          "encoding reads it cleanly); convert it to UTF-8 and try again")
    return data.decode(encoding, errors="strict"), encoding


def read_document(data: bytes, *, name: str = "", fmt: str | None = None,
                  max_bytes: int | None = None) -> Document:
    """Decode and, for HTML, extract the article text; refuse empty, binary or oversized input."""
    label = name or "the input"
    if max_bytes is not None and len(data) > max_bytes:
        raise IngestError(f"{label}: is {_size(len(data))}, over the {_size(max_bytes)} limit; "
                          "split it or ingest the article text alone")
    if not data.strip():
        raise IngestError(f"{label}: is empty; there is nothing to ingest")
    fmt = fmt or format_for(name, data)
    if fmt not in FORMATS:
        raise IngestError(f"{label}: unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    raw, encoding = decode(data, name=name, fmt=fmt)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(raw[:8192]) and len(_CONTROL.findall(raw[:8192])) > 8:
        raise IngestError(f"{label}: holds control characters, so it is binary data rather than "
                          "text; nothing was stored")
    title = ""
    if fmt == "html":
        page = html_to_text(raw)
        text, title = page.text, page.title
        if not text.strip():
            raise IngestError(f"{label}: has no readable text once scripts, styles, navigation and "
                              "markup are removed; nothing was stored")
    else:
        text = raw
        if not text.strip():
            raise IngestError(f"{label}: is empty; there is nothing to ingest")
        title = _first_line(text)
    bad = _CONTROL.search(text)
    if bad:  # one rule for text from outside: refused, with where, never silently dropped
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        raise IngestError(f"{label}: holds a control character (U+{ord(bad.group()):04X}) at line {line}, "
                          f"column {column}; remove it and ingest again; nothing was stored")
    return Document(text=text, format=fmt, title=title, encoding=encoding)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"
