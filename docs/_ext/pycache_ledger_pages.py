"""Directives that show the ledger: ``{pycache-ledger}`` and ``{pycache-matrix}``; the ``{claim}`` role.

They leave a placeholder when the page is read and fill it at ``doctree-resolved``, after every
page has run its cells, from the same fragments that become ``build/claims.json``; so the pages,
the matrix and the JSON cannot disagree.

``{claim}`claim-id``` (or ``{claim}`text <claim-id>```) links to the place where that claim is
shown: every claim a page displays carries the MyST target ``(claim-<id>)=`` (see
``pycache_lab.book.Shown``). An id that is no claim of the build is a warning, so a strict build
fails; a claim that exists but is displayed nowhere links to its page.
"""
from __future__ import annotations

import datetime
import platform
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

logger = logging.getLogger(__name__)
SYMBOL = {"holds": "✓", "drifts": "✗ drifts", "n/a": "–", "not observed": "? not observed"}


class ledger_placeholder(nodes.General, nodes.Element):
    pass


class matrix_placeholder(nodes.General, nodes.Element):
    pass


class decision_placeholder(nodes.General, nodes.Element):
    pass


class claim_placeholder(nodes.Inline, nodes.Element):
    pass


class ClaimRole(SphinxRole):
    """``{claim}`claim-id``` or ``{claim}`shown text <claim-id>```: a link to where the claim is shown."""

    def run(self):
        text = self.text.strip()
        if text.endswith(">") and "<" in text:
            title, _, claim_id = text[:-1].rpartition("<")
            title, claim_id = title.strip(), claim_id.strip()
        else:
            title, claim_id = "", text
        node = claim_placeholder(claim_id=claim_id, title=title)
        self.set_source_info(node)
        return [node], []


def _claim_link(app, fromdoc: str, node, by_id: dict) -> nodes.Node:
    from pycache_lab.book import anchor

    claim_id = node["claim_id"]
    shown = nodes.Text(node["title"]) if node["title"] else nodes.literal(text=claim_id)
    claim = by_id.get(claim_id)
    if claim is None:
        logger.warning("{claim} role: no claim %r in this build", claim_id, location=node)
        return shown
    label = app.env.get_domain("std").anonlabels.get(anchor(claim_id))
    docname, labelid = label if label else (claim["page"], "")
    if docname not in app.env.found_docs:
        logger.warning("{claim} role: claim %r belongs to page %r, which is not in this book",
                       claim_id, docname, location=node)
        return shown
    uri = app.builder.get_relative_uri(fromdoc, docname) + ("#" + labelid if labelid else "")
    link = nodes.reference("", "", internal=True, refuri=uri, classes=["pycache-claim"],
                           reftitle=claim["statement"].replace("`", ""))
    link += shown
    return link


class DecisionDirective(SphinxDirective):
    """A diagram: question -> one branch per line ``branch | claim-id: caption | claim-id: caption ...``."""

    has_content = True
    option_spec = {"question": str}

    def run(self):
        branches = []
        for line in self.content:
            if not line.strip():
                continue
            label, *facts = [part.strip() for part in line.split("|")]
            branches.append((label, [tuple(p.strip() for p in f.split(":", 1)) for f in facts]))
        return [decision_placeholder(branches=branches, question=self.options.get("question", "How is it run?"))]


class LedgerDirective(SphinxDirective):
    """Every claim of the book, grouped by page, with its verdict per interpreter."""

    def run(self):
        return [ledger_placeholder()]


class MatrixDirective(SphinxDirective):
    """Key behaviours, one row per ``claim-id | label`` line, observed outcome per interpreter."""

    has_content = True

    def run(self):
        rows = []
        for line in self.content:
            if line.strip():
                claim_id, _, label = line.partition("|")
                rows.append((claim_id.strip(), label.strip() or claim_id.strip()))
        return [matrix_placeholder(rows=rows)]


def _table(header: list[str], rows: list[list[nodes.Node | str]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["pycache-ledger"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    body = nodes.tbody()
    group += body
    for target, cells in ((head, [header]), (body, rows)):
        for cells_of_row in cells:
            row = nodes.row()
            for cell in cells_of_row:
                entry = nodes.entry()
                entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell))
                row += entry
            target += row
    return table


def _inline(text: str) -> list[nodes.Node]:
    """Text with `code` spans, as docutils nodes."""
    parts = text.split("`")
    return [nodes.literal(text=p) if i % 2 else nodes.Text(p) for i, p in enumerate(parts) if p]


def _page_link(app, fromdoc: str, page: str, text: str) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    if page in app.env.found_docs:
        link = nodes.reference("", "", internal=True, refuri=app.builder.get_relative_uri(fromdoc, page))
        link += _inline(text)
        paragraph += link
    else:
        paragraph += _inline(text)
    return paragraph


def _claim_cell(app, fromdoc: str, claim: dict) -> nodes.container:
    cell = nodes.container()
    title = _page_link(app, fromdoc, claim["page"], claim["id"])
    cell += title
    statement = nodes.paragraph()
    statement += _inline(claim["statement"])
    cell += statement
    return cell


def _shown(value, tag: str | None) -> str:
    from pycache_lab.book import show_value
    text = show_value(value)
    if tag:
        text = text.replace(tag, "<tag>")
    return text.replace("`", "")


def _grouped(claim: dict, keys: list[str], tags: dict) -> str:
    """Observed values with runs of interpreters that saw the same merged: '2.7.18: x; 3.6.15–3.13.0: y'."""
    from pycache_lab.ledger import runs_of

    return runs_of(claim, keys, lambda key: "does not apply" if claim["results"][key] == "n/a"
                   else "not observed" if claim["results"][key] == "not observed"
                   else _shown(claim["observed"].get(key), tags.get(key)))


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "")


def _decision(app, node, data, keys, tags):
    from sphinx.ext.graphviz import graphviz

    by_id = {c["id"]: c for c in data["claims"]}
    lines = ['digraph decision {', 'rankdir=LR; node [shape=box, fontname="sans-serif", fontsize=11];',
             'edge [fontname="sans-serif", fontsize=10];',
             'q [label="%s", shape=diamond];' % _dot_text(node["question"])]
    for number, (label, facts) in enumerate(node["branches"]):
        rows = []
        for fact in facts:
            claim_id, caption = fact if len(fact) == 2 else (fact[0], fact[0])
            claim = by_id.get(claim_id)
            if claim is None:
                logger.warning("decision diagram: no claim %r in this build", claim_id, location=node)
                continue
            rows.append("%s: %s" % (caption, _grouped(claim, keys, tags)))
        lines.append('b%d [label="%s"];' % (number, "\\l".join(_dot_text(r) for r in rows) + "\\l"))
        lines.append('q -> b%d [label="%s"];' % (number, _dot_text(label)))
    lines.append("}")
    diagram = graphviz()
    diagram["code"] = "\n".join(lines)
    diagram["options"] = {"docname": app.env.docname if hasattr(app.env, "docname") else ""}
    diagram["alt"] = node["question"]
    return diagram


def _coverage_nodes(data: dict) -> list:
    """Which versions the evidence covers, and each claim this build could not observe, with why."""
    from pycache_lab import coverage

    result = [nodes.paragraph(text=coverage.sentence([i["version"] for i in data["interpreters"]]))]
    unobserved = coverage.unobserved_claims(data)
    if unobserved:
        items = nodes.bullet_list()
        for claim, why in unobserved:
            item = nodes.list_item()
            item += nodes.paragraph(text="%s (%s): not observed in this build: %s" % (claim["id"], claim["page"], why))
            items += item
        result += [nodes.paragraph(text="Claims not observed in this build:"), items]
    return result


def fill(app, doctree, fromdoc: str) -> None:
    placeholders = (list(doctree.findall(ledger_placeholder)) + list(doctree.findall(matrix_placeholder))
                    + list(doctree.findall(decision_placeholder)) + list(doctree.findall(claim_placeholder)))
    if not placeholders:
        return
    from pycache_lab import ledger

    data, _ = ledger.merge(Path(app.outdir).parent / "claims.d")
    claims_by_id = {c["id"]: c for c in data["claims"]}
    for node in list(doctree.findall(claim_placeholder)):
        node.replace_self(_claim_link(app, fromdoc, node, claims_by_id))
    keys = [i["version"] for i in data["interpreters"]]
    tags = {i["version"]: i.get("cache_tag") for i in data["interpreters"]}
    for node in doctree.findall(ledger_placeholder):
        replacement = []
        titles = {d: app.env.titles[d].astext() for d in app.env.found_docs if d in app.env.titles}
        for page in sorted({c["page"] for c in data["claims"]}, key=lambda p: titles.get(p, p)):
            section = nodes.rubric(text=titles.get(page, page))
            rows = [[_claim_cell(app, fromdoc, c)] + [SYMBOL.get(c["results"].get(k), "·") for k in keys]
                    for c in data["claims"] if c["page"] == page]
            replacement += [section, _table(["claim"] + keys, rows, [40] + [6] * len(keys))]
        total = {v: sum(list(c["results"].values()).count(v) for c in data["claims"]) for v in SYMBOL}
        summary = nodes.paragraph(text="%d claims, %d interpreters: %d holds (✓), %d drifts (✗), %d n/a (–), "
                                       "%d not observed in this build (?)."
                                  % (len(data["claims"]), len(keys), total["holds"], total["drifts"], total["n/a"],
                                     total["not observed"]))
        node.replace_self([summary] + _coverage_nodes(data) + replacement)
    for node in list(doctree.findall(decision_placeholder)):
        node.replace_self(_decision(app, node, data, keys, tags))
    for node in doctree.findall(matrix_placeholder):
        by_id = {c["id"]: c for c in data["claims"]}
        rows = []
        for claim_id, label in node["rows"]:
            claim = by_id.get(claim_id)
            if claim is None:
                logger.warning("matrix: no claim %r in this build", claim_id, location=node)
                continue
            cells = []
            for key in keys:
                verdict = claim["results"].get(key)
                cells.append("does not apply" if verdict == "n/a" else "not observed in this build"
                             if verdict == "not observed" else _shown(claim["observed"].get(key), tags.get(key)) + ("" if verdict == "holds" else " ✗"))
            rows.append([_page_link(app, fromdoc, claim["page"], label)] + cells)
        about = nodes.bullet_list()
        for record in data["interpreters"]:
            item = nodes.list_item()
            item += nodes.paragraph(text="CPython %s: %s" % (record["version"], record["path"]))
            about += item
        built = nodes.paragraph(text="Built %s on %s (%s); interpreters:" % (
            datetime.date.today().isoformat(), platform.platform(terse=True), platform.machine()))
        node.replace_self([_table(["behaviour"] + keys, rows, [30] + [12] * len(keys)), built, about]
                          + _coverage_nodes(data)[:1])


def note_coverage(app, doctree, fromdoc: str) -> None:
    """Every page says which versions the evidence covers: pages without an evidence cell get the
    sentence at their end (notebook pages show it under their interpreters already)."""
    from pycache_lab import coverage, ledger

    if "The evidence of this build covers" in doctree.astext():
        return
    sections = list(doctree.findall(nodes.section))
    if not sections:
        return
    data, _ = ledger.merge(Path(app.outdir).parent / "claims.d")
    if not data["interpreters"]:
        return
    note = nodes.paragraph(text=coverage.sentence([i["version"] for i in data["interpreters"]]))
    note["classes"].append("pycache-coverage")
    sections[0] += note


def setup(app):
    app.add_node(ledger_placeholder)
    app.add_node(matrix_placeholder)
    app.add_directive("pycache-ledger", LedgerDirective)
    app.add_directive("pycache-matrix", MatrixDirective)
    app.add_node(decision_placeholder)
    app.add_directive("pycache-decision", DecisionDirective)
    app.add_node(claim_placeholder)
    app.add_role("claim", ClaimRole())
    app.connect("doctree-resolved", fill)
    app.connect("doctree-resolved", note_coverage)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
