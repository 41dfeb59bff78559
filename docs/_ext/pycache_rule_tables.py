"""Rule tables: the book's summary tables, where every row must cite the claims that prove it.

A summary table states facts in a few words, and nothing else on the page checks those words; so
each row names its evidence with ``{claim}`` roles, and the build refuses a row without one::

    :::{rule-table}
    :class: rules
    | You run | Cache file written | Claims |
    |---|---|---|
    | `python -B` | none | {claim}`dont-write-b-stops-writing` |
    :::

- a body row of a ``rule-table`` with no ``{claim}`` role is a warning naming page, row and its
  first cell (a strict build fails); an unknown id already fails in the ``{claim}`` role;
- a table written in a page's opening (before its first section heading) that is not inside a
  ``rule-table`` is a warning too, so a new opening table cannot skip the check. Tables made by
  code cells are exempt: a cell that shows rules wraps its own output in ``rule-table``.
"""
from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from pycache_ledger_pages import claim_placeholder

logger = logging.getLogger(__name__)
CLASS = "rule-table"


def _body_rows(table: nodes.table) -> list[nodes.row]:
    return [row for body in table.findall(nodes.tbody) for row in body.children if isinstance(row, nodes.row)]


def uncited_rows(container: nodes.Element) -> list[tuple[int, str]]:
    """(row number, first cell's text) of each body row that has no ``{claim}`` role."""
    missing = []
    for table in container.findall(nodes.table):
        for number, row in enumerate(_body_rows(table), start=1):
            if not any(True for _ in row.findall(claim_placeholder)):
                first = row.children[0].astext() if row.children else ""
                missing.append((number, " ".join(first.split())[:70]))
    return missing


CLAIMS_COLUMN = "pycache-claims"  # book.css lets the claim ids of this column break at their hyphens


def mark_claims_column(container: nodes.Element) -> None:
    """Give every cell of a table's "Claims" column the class ``pycache-claims``: there the ids are
    links to follow, and only there may one wrap at a hyphen (elsewhere an id in a sentence stays whole)."""
    for table in container.findall(nodes.table):
        head = next(iter(table.findall(nodes.thead)), None)
        heads = [row for row in head.children if isinstance(row, nodes.row)] if head is not None else []
        if not heads:
            continue
        titles = [entry.astext().strip() for entry in heads[0].children]
        if "Claims" not in titles:
            continue
        column = titles.index("Claims")
        for row in heads[:1] + _body_rows(table):
            if len(row.children) > column:
                row.children[column]["classes"].append(CLAIMS_COLUMN)


class RuleTableDirective(SphinxDirective):
    """A table (in Markdown) whose rows each cite at least one claim."""

    has_content = True
    option_spec = {"class": directives.class_option}

    def run(self):
        container = nodes.container(classes=[CLASS] + self.options.get("class", []))
        self.set_source_info(container)
        self.state.nested_parse(self.content, self.content_offset, container)
        if not any(True for _ in container.findall(nodes.table)):
            logger.warning("%s: a rule-table without a table", self.env.docname, location=container)
        mark_claims_column(container)
        for number, first in uncited_rows(container):
            logger.warning("%s: rule table row %d (%r) cites no claim: end it with {claim}`claim-id`",
                           self.env.docname, number, first, location=container)
        return [container]


def _inside(node: nodes.Node, css_class: str) -> bool:
    while node is not None:
        if isinstance(node, nodes.Element) and css_class in node.get("classes", []):
            return True
        node = node.parent
    return False


def check_opening_tables(app, doctree) -> None:
    """A table in a page's opening, written in its Markdown, must be a rule table."""
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    for child in top.children:
        if isinstance(child, nodes.section):
            break
        for table in child.findall(nodes.table):
            if not _inside(table, CLASS) and not _inside(table, "cell"):
                rows = len(_body_rows(table))
                logger.warning("%s: the opening table with %d rows is not a rule-table: wrap it in "
                               ":::{rule-table} and cite a claim on every row", app.env.docname, rows,
                               location=table)


def setup(app):
    app.add_directive(CLASS, RuleTableDirective)
    app.connect("doctree-read", check_opening_tables)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
