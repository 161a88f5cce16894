"""HTML to plain text: the readable body, in blocks, with tables kept as `| a | b |` rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Never article text: code, styling, site chrome and embedded media.
DROPPED = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "svg", "canvas",
    "iframe", "object", "embed", "button", "select", "textarea", "input", "head", "dialog",
)
DROPPED_SELECTORS = ("[hidden]", "[aria-hidden=true]", "[role=navigation]", "[role=banner]",
                     "[role=contentinfo]")
BLOCKS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
    "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption", "address", "details", "summary",
    "hr", "caption", "body", "html",
}
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")


@dataclass(frozen=True)
class HtmlText:
    title: str
    text: str


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class _Writer:
    """Collects blocks of inline text; a block element ends the current line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.inline: list[str] = []

    def text(self, value: str) -> None:
        self.inline.append(value)

    def end_block(self) -> None:
        line = _clean("".join(self.inline))
        self.inline = []
        if line:
            self.lines.append(line)

    def raw_line(self, line: str) -> None:
        self.end_block()
        self.lines.append(line)


def _cell_text(cell: LexborNode) -> str:
    # A pipe inside a cell would split the row when it is read back.
    return _clean(cell.text(deep=True, separator=" ")).replace("|", "/")


def _table(node: LexborNode, out: _Writer) -> None:
    rows = [row for row in node.css("tr") if _owning_table(row) == node.mem_id]
    caption = node.css_first("caption")
    if caption is not None and _clean(caption.text()):
        out.raw_line(_clean(caption.text()))
    for i, row in enumerate(rows):
        cells = [c for c in row.iter() if c.tag in ("td", "th")]
        values = [_cell_text(c) for c in cells]
        if not any(values):
            continue
        out.raw_line("| " + " | ".join(values) + " |")
        if i == 0 and all(c.tag == "th" for c in cells):
            out.raw_line("|" + "---|" * len(cells))


def _owning_table(row: LexborNode) -> int | None:
    parent = row.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent.mem_id if parent is not None else None


def _walk(node: LexborNode, out: _Writer) -> None:
    """Depth first with a stack of its own, so markup nested thousands of elements deep is still read."""
    stack = [(node.iter(include_text=True), False)]   # (children left, whether they close a block)
    while stack:
        children, closes_block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if closes_block:
                out.end_block()
            continue
        tag = child.tag
        if tag == "-text":
            out.text(child.text_content or "")
        elif tag == "br":
            out.end_block()
        elif tag == "table":
            out.end_block()
            _table(child, out)
        elif tag in BLOCKS:
            out.end_block()
            stack.append((child.iter(include_text=True), True))
        elif tag not in ("-comment",):
            stack.append((child.iter(include_text=True), False))


_FOOTNOTE_MARK = re.compile(r"^\s*\[?(?:\d{1,3}|[a-z]|[*†‡§¶]+)\]?\s*$")


def _superscript(node: LexborNode) -> None:
    """"10<sup>24</sup>" is a power of ten, written "10^24" for the figure parser; "0.20<sup>1</sup>"
    is a footnote mark, no part of the figure, and goes."""
    text = node.text(deep=True)
    before = node.prev.text_content if node.prev is not None and node.prev.tag == "-text" else ""
    if re.search(r"10\s*$", before or "") and re.fullmatch(r"\s*[−-]?\d{1,3}\s*", text):
        node.replace_with("^" + text.strip().replace("−", "-"))
    elif _FOOTNOTE_MARK.match(text):
        node.decompose()


def html_to_text(markup: str) -> HtmlText:
    """The visible article text of an HTML page, one block per line; entities decoded."""
    tree = LexborHTMLParser(markup)
    title_node = tree.css_first("title")
    title = _clean(title_node.text()) if title_node is not None else ""
    for selector in (*DROPPED, *DROPPED_SELECTORS):
        for node in tree.css(selector):
            node.decompose()
    for node in tree.css("sup"):
        _superscript(node)
    out = _Writer()
    root = tree.body or tree.root
    if root is not None:
        _walk(root, out)
    out.end_block()
    if not title:
        heading = next((line for line in out.lines if not line.startswith("|")), "")
        title = heading[:200]
    return HtmlText(title=title, text="\n".join(out.lines))
