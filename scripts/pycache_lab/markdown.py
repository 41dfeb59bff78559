"""Text that a notebook shows as Markdown (MyST, so directives work) and a terminal as plain text."""
from __future__ import annotations


class Markdown:
    """Displays as Markdown in a notebook, as plain text elsewhere."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def fenced(body: str, info: str = "text", options: dict | None = None) -> str:
    """A fenced block whose fence is longer than any backtick run inside it."""
    fence = "```"
    while fence in body:
        fence += "`"
    lines = [fence + info] + [":%s: %s" % kv for kv in (options or {}).items()]
    if options:
        lines.append("")
    return "\n".join(lines + [body.rstrip("\n"), fence])


def cell(text: str) -> str:
    """A table cell: pipes escaped, new lines as <br>."""
    return text.replace("|", "\\|").replace("\n", "<br>")
