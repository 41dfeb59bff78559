"""Directives that show the ledger: ``{pycache-ledger}`` and ``{pycache-matrix}``; the ``{claim}`` role.

They leave a placeholder when the page is read and fill it at ``doctree-resolved``, after every
page has run its cells, from the same fragments that become ``build/claims.json``; so the pages,
the matrix and the JSON cannot disagree.

``{claim}`claim-id``` (or ``{claim}`text <claim-id>```) links to the place where that claim is
shown: the ``{claim} <id>`` block that states it (or, for a claim stated in code, the MyST target
``(claim-<id>)=`` of ``pycache_lab.book.Shown``). An id that is no claim of the build is a
warning, so a strict build fails; a claim that exists but is displayed nowhere links to its page.

The ``{claim} <id>`` directive states a claim in the page's prose; the cell below it checks it
with ``book.check("<id>", observe=..., expect=...)``, which reads the sentence from this block. A
block that no cell of its page checks is a warning too.
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


class ClaimStatement(SphinxDirective):
    """``:::{claim} <id>`` with the statement as its body: the sentence a cell below checks."""

    required_arguments = 1
    has_content = True

    def run(self):
        from pycache_lab.book import anchor

        claim_id = self.arguments[0]
        body = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, body)
        if len(body.children) != 1 or not isinstance(body[0], nodes.paragraph):
            raise self.error("{claim} %s: the statement must be one paragraph" % claim_id)
        target = nodes.target("", "", ids=[anchor(claim_id)], names=[anchor(claim_id)])
        self.state.document.note_explicit_target(target)
        sentence = nodes.paragraph("", "", nodes.literal(text=claim_id, classes=["pycache-claim-id"]),
                                   nodes.Text(" "), *body[0].children)
        block = nodes.container("", target, sentence, classes=["pycache-claim-statement"], pycache_claim=claim_id)
        self.set_source_info(block)
        return [block]


def _check_statements(doctree, fromdoc: str, claims_by_id: dict) -> None:
    """A ``{claim}`` block that no cell of its page checked says so (a strict build fails)."""
    for block in doctree.findall(nodes.container):
        claim_id = block.get("pycache_claim")
        if claim_id and claims_by_id.get(claim_id, {}).get("page") != fromdoc:
            logger.warning("{claim} %s is stated on this page but no cell checks it (book.check(%r, ...))",
                           claim_id, claim_id, location=block)


def claim_uri(app, fromdoc: str, claim: dict) -> str | None:
    """Where a claim is shown: ``page.html#claim-<id>``, or its page when no cell displays it."""
    from pycache_lab.book import anchor

    label = app.env.get_domain("std").anonlabels.get(anchor(claim["id"]))
    docname, labelid = label if label else (claim["page"], "")
    if docname not in app.env.found_docs:
        return None
    return app.builder.get_relative_uri(fromdoc, docname) + ("#" + labelid if labelid else "")


def _claim_link(app, fromdoc: str, node, by_id: dict) -> nodes.Node:
    claim_id = node["claim_id"]
    shown = nodes.Text(node["title"]) if node["title"] else nodes.literal(text=claim_id)
    claim = by_id.get(claim_id)
    if claim is None:
        logger.warning("{claim} role: no claim %r in this build", claim_id, location=node)
        return shown
    uri = claim_uri(app, fromdoc, claim)
    if uri is None:
        logger.warning("{claim} role: claim %r belongs to page %r, which is not in this book",
                       claim_id, claim["page"], location=node)
        return shown
    link = nodes.reference("", "", internal=True, refuri=uri, classes=["pycache-claim"],
                           reftitle=claim["statement"].replace("`", ""))
    link += shown
    return link


class DecisionDirective(SphinxDirective):
    """Small diagrams, one per branch: ``branch | claim-id: caption | claim-id: caption = raw: shown ...``.

    Each branch (a command or a switch, in the reader's words) becomes a box with one box below it
    per claim: the caption, then what each run of interpreters observed. ``= raw: shown; ...``
    after a caption replaces lab words in the observed text with the reader's.
    """

    has_content = True
    option_spec = {"question": str}

    def run(self):
        branches = []
        for line in self.content:
            if not line.strip():
                continue
            label, *facts = [part.strip() for part in line.split("|")]
            parsed = []
            for fact in facts:
                fact, _, renames = fact.partition(" = ")
                claim_id, _, caption = (p.strip() for p in fact.partition(":"))
                words = [tuple(w.strip() for w in pair.split(":", 1)) for pair in renames.split(";") if ":" in pair]
                parsed.append((claim_id, caption or claim_id, words))
            branches.append((label, parsed))
        return [decision_placeholder(branches=branches, question=self.options.get("question", ""))]


class LedgerDirective(SphinxDirective):
    """Every claim of the book: those that differ by version first, then every chapter, folded."""

    def run(self):
        return [ledger_placeholder()]


class MatrixDirective(SphinxDirective):
    """Key behaviours, one row per ``claim-id | label`` line, observed outcome per run of interpreters."""

    has_content = True

    def run(self):
        rows = []
        for line in self.content:
            if line.strip():
                claim_id, _, label = line.partition("|")
                rows.append((claim_id.strip(), label.strip() or claim_id.strip()))
        return [matrix_placeholder(rows=rows)]


def _table(header: list, rows: list[list[nodes.Node | str]], widths: list[int],
           classes: tuple = ("pycache-ledger",)) -> nodes.table:
    table = nodes.table(classes=list(classes))
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


def _breakable(text: str) -> list[nodes.Node]:
    """Like ``_inline``, but a path in code may wrap after each ``/`` (never inside a name)."""
    out: list[nodes.Node] = []
    for i, part in enumerate(text.split("`")):
        if not part:
            continue
        if i % 2 == 0:
            out.append(nodes.Text(part))
            continue
        pieces = [p for p in part.replace("/", "/\0").split("\0") if p]
        for j, piece in enumerate(pieces):
            if j:
                out.append(nodes.raw("", "<wbr>", format="html"))
            out.append(nodes.literal(text=piece))
    return out


def _page_link(app, fromdoc: str, page: str, text: str, fragment: str = "") -> nodes.paragraph:
    paragraph = nodes.paragraph()
    if page in app.env.found_docs:
        uri = app.builder.get_relative_uri(fromdoc, page) + ("#" + fragment if fragment else "")
        link = nodes.reference("", "", internal=True, refuri=uri)
        link += _inline(text)
        paragraph += link
    else:
        paragraph += _inline(text)
    return paragraph


def claim_paragraph(app, fromdoc: str, claim: dict, text: str) -> nodes.paragraph:
    """A paragraph holding ``text`` as a link to where the claim is shown (``#claim-<id>``)."""
    paragraph = nodes.paragraph()
    uri = claim_uri(app, fromdoc, claim)
    if uri is None:
        paragraph += _inline(text)
        return paragraph
    link = nodes.reference("", "", internal=True, refuri=uri, classes=["pycache-claim"],
                           reftitle=claim["statement"].replace("`", ""))
    link += _inline(text)
    paragraph += link
    return paragraph


def _claim_cell(app, fromdoc: str, claim: dict) -> nodes.container:
    cell = nodes.container()
    cell += claim_paragraph(app, fromdoc, claim, "`%s`" % claim["id"])
    statement = nodes.paragraph()
    statement += _inline(claim["statement"])
    cell += statement
    return cell


def _shown(value, tag: str | None) -> str:
    from pycache_lab.book import show_value
    text = show_value(value)
    if tag:
        text = text.replace(tag, "<tag>")
    return text


def _minor(key: str) -> str:
    return ".".join(key.split("#")[0].split(".")[:2])


def span_label(group: list[str], keys: list[str]) -> str:
    """'3.6–3.13' for a run of interpreters: minor versions where each names one interpreter."""
    minors = [_minor(k) for k in keys]

    def short(key):
        return _minor(key) if minors.count(_minor(key)) == 1 else key

    return short(group[0]) if len(group) == 1 else "%s–%s" % (short(group[0]), short(group[-1]))


def _observed(claim: dict, key: str, tags: dict) -> str:
    verdict = claim["results"].get(key)
    if verdict is None:
        return "not run"
    if verdict == "n/a":
        return "does not apply"
    if verdict == "not observed":
        return "not observed in this build"
    return _shown(claim["observed"].get(key), tags.get(key)) + ("" if verdict == "holds" else " ✗ drifts")


def _column_runs(claims: list[dict], keys: list[str], render) -> list[list[str]]:
    """Neighbouring interpreters whose cells are alike in every row merged into one column."""
    from pycache_lab.ledger import neighbours_alike

    return [group for _, group in neighbours_alike(keys, lambda key: tuple(render(c, key) for c in claims))]


# -- The decision diagrams: inline SVG drawn by Graphviz's dot --------------------------------------

def _label_lines(text: str, width: int = 34) -> list[str]:
    """Wrap at '; ' and ', ' then spaces, so each line of a box stays short enough for a phone."""
    lines = []
    for chunk in text.replace("; ", ";\n").split("\n"):
        line = ""
        for word in chunk.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = "  " + word
            else:
                line = (line + " " + word) if line else word
        lines.append(line)
    return lines


def _html_label(bold: str, lines: list[str]) -> str:
    """A Graphviz HTML-like label: the caption in bold (wrapped too), then the lines, left-aligned."""
    from html import escape

    out = ["<B>%s</B>" % escape(line) for line in _label_lines(bold)] if bold else []
    out += [escape(line) for line in lines]
    return "<" + '<BR ALIGN="LEFT"/>'.join(out) + ('<BR ALIGN="LEFT"/>>' if len(out) > 1 else ">")


def _fact_text(claim: dict, keys: list[str], tags: dict, renames: list[tuple]) -> list[str]:
    from pycache_lab.ledger import neighbours_alike

    def render(key):
        value = claim["observed"].get(key)
        if isinstance(value, list) and value and all(v == value[0] for v in value):
            value = value[0]  # the same outcome in each run of the scenario: say it once
        verdict = claim["results"].get(key)
        text = "does not apply" if verdict == "n/a" else _shown(value, tags.get(key)).replace("`", "")
        for raw, shown in renames:
            text = text.replace(raw, shown)
        return text + ("" if verdict in ("holds", "n/a") else " (drifts)")

    runs = neighbours_alike([k for k in keys if k in claim["results"]], render)
    if len(runs) == 1:
        return _label_lines(runs[0][0])
    lines = []
    for shown, group in runs:
        lines += _label_lines("%s: %s" % (span_label(group, keys), shown))
    return lines


def _dot_svg(app, code: str, where) -> str:
    import subprocess

    try:
        done = subprocess.run([app.config.graphviz_dot, "-Tsvg"], input=code.encode(), capture_output=True,
                              timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        logger.warning("decision diagram: dot failed: %s", error, location=where)
        return ""
    import re

    svg = done.stdout.decode()
    svg = svg[svg.index("<svg"):]  # inline: no XML prologue or doctype
    svg = re.sub(r"<title>[^<]*</title>|<!--.*?-->", "", svg, flags=re.S)  # dot's node names, not text
    return re.sub(r' id="(graph\d+|a_[^"]*)"', "", svg)  # the same ids in every diagram of the page


def _decision(app, node, data, keys, tags) -> nodes.container:
    by_id = {c["id"]: c for c in data["claims"]}
    grid = nodes.container(classes=["pycache-decision"])
    if node["question"]:
        grid += nodes.paragraph("", "", nodes.strong(text=node["question"]), classes=["pycache-question"])
    for label, facts in node["branches"]:
        lines = ['digraph branch {', 'graph [bgcolor="transparent", pad="0.05", ranksep="0.22", nodesep="0.2"];',
                 'node [shape=box, style="rounded", fontname="sans-serif", fontsize=12, margin="0.12,0.06"];',
                 'edge [arrowsize=0.6];',
                 'b [label=%s, class="pycache-branch", style="rounded,bold"];' % _html_label(label, [])]
        previous = "b"
        for number, (claim_id, caption, renames) in enumerate(facts):
            claim = by_id.get(claim_id)
            if claim is None:
                logger.warning("decision diagram: no claim %r in this build", claim_id, location=node)
                continue
            name = "f%d" % number
            lines.append('%s [label=%s, id="%s", tooltip="%s"];' % (
                name, _html_label(caption, _fact_text(claim, keys, tags, renames)), claim_id,
                claim["statement"].replace("`", "").replace('"', "'")))
            lines.append("%s -> %s;" % (previous, name))
            previous = name
        lines.append("}")
        svg = _dot_svg(app, "\n".join(lines), node)
        box = nodes.container(classes=["pycache-branch"])
        box += nodes.raw("", svg, format="html")
        grid += box
    return grid


# -- The ledger --------------------------------------------------------------------------------------

def book_order(env) -> list[str]:
    """Documents in the order a reader meets them: the toctrees from the root, depth first."""
    order: list[str] = []

    def visit(doc):
        if doc in order:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            visit(child)

    visit(env.config.root_doc)
    return order


def _differs(claim: dict, keys: list[str], tags: dict) -> bool:
    seen = {_observed(claim, k, tags) for k in keys if k in claim["results"]}
    return len(seen) > 1 or any(v != "holds" for v in claim["results"].values())


def exception_kind(claim: dict, keys: list[str], tags: dict) -> str | None:
    """Why a claim is an exception: 'n/a' (not on every version, or drifting), 'python 3' (its
    observations change between Python 3 versions, the cache tag aside), 'python 2' (only 2.x
    differs), or None (every interpreter saw the same)."""
    present = [k for k in keys if k in claim["results"]]
    if any(claim["results"][k] != "holds" for k in present):
        return "n/a"
    threes = {_observed(claim, k, tags) for k in present if not k.startswith("2.")}
    if len(threes) > 1:
        return "python 3"
    return "python 2" if _differs(claim, keys, tags) else None


def _section(ids: str, title: str) -> nodes.section:
    section = nodes.section(ids=[ids], names=[ids])
    section += nodes.title(text=title)
    return section


def _folded(summary: str, body: list[nodes.Node]) -> list[nodes.Node]:
    from html import escape

    return ([nodes.raw("", '<details class="pycache-fold"><summary>%s</summary>' % escape(summary), format="html")]
            + body + [nodes.raw("", "</details>", format="html")])


def _ledger(app, fromdoc: str, data: dict, keys: list[str], tags: dict) -> list[nodes.Node]:
    from pycache_lab.ledger import neighbours_alike

    claims = data["claims"]
    total = {v: sum(list(c["results"].values()).count(v) for c in claims) for v in SYMBOL}
    out: list[nodes.Node] = [nodes.paragraph(text="%d claims, %d interpreters (%s): %d holds (✓), %d drifts (✗), "
                                                  "%d n/a (–), %d not observed in this build (?)."
                                                  % (len(claims), len(keys), ", ".join(keys), total["holds"],
                                                     total["drifts"], total["n/a"], total["not observed"]))]
    out += _coverage_nodes(data)
    kinds = {c["id"]: exception_kind(c, keys, tags) for c in claims}
    section = _section("where-versions-differ", "Where versions differ")
    section += nodes.paragraph(text="%d of the %d claims do not read the same on every interpreter of this build."
                               % (sum(1 for k in kinds.values() if k), len(claims)))
    for kind, ids, title, fold in (
            ("n/a", "not-on-every-version", "Not on every version", False),
            ("python 3", "changed-between-python-3-versions", "Changed between Python 3 versions", False),
            ("python 2", "only-python-2-differs", "Only Python 2 differs", True)):
        differ = [c for c in claims if kinds[c["id"]] == kind]
        if not differ:
            continue
        sub = _section(ids, "%s (%d)" % (title, len(differ)))
        rows = []
        for claim in differ:
            cell = nodes.container()
            runs = neighbours_alike([k for k in keys if k in claim["results"]], lambda key: "%s %s" % (
                SYMBOL.get(claim["results"][key], "·").split(" ")[0], _observed(claim, key, tags)))
            for shown, group in runs:
                paragraph = nodes.paragraph()
                paragraph += [nodes.strong(text=span_label(group, keys) + ": ")] + _breakable(shown)
                cell += paragraph
            rows.append([_claim_cell(app, fromdoc, claim), cell])
        table = _table(["claim", "by version"], rows, [50, 50], ("pycache-ledger", "pycache-differ"))
        sub += _folded("Show the %d claims where only Python 2 differs" % len(differ), [table]) if fold else table
        section += sub
    out.append(section)
    chapters = _section("every-claim-by-chapter", "Every claim, by chapter")
    titles = {d: app.env.titles[d].astext() for d in app.env.found_docs if d in app.env.titles}
    order = book_order(app.env)
    pages = sorted({c["page"] for c in claims}, key=lambda p: (order.index(p) if p in order else len(order), p))
    for page in pages:
        mine = [c for c in claims if c["page"] == page]
        sub = _section("ledger-" + page.replace("/", "-"), titles.get(page, page))
        odd = sum(1 for c in mine if kinds[c["id"]])
        groups = _column_runs(mine, keys, lambda c, k: c["results"].get(k))
        rows = [[_claim_cell(app, fromdoc, c)] + [SYMBOL.get(c["results"].get(g[0]), "·") for g in groups]
                for c in mine]
        sub += _page_link(app, fromdoc, page, "%d claims%s; the evidence is on the chapter's page." % (
            len(mine), ", %d of them differ by version (above)" % odd if odd else ", all alike on every interpreter"))
        table = _table(["claim"] + [span_label(g, keys) for g in groups], rows, [40] + [6] * len(groups))
        sub += _folded("Show the %d claims of %s" % (len(mine), titles.get(page, page)), [table])
        chapters += sub
    out.append(chapters)
    return out


# -- The matrix --------------------------------------------------------------------------------------

def _matrix(app, fromdoc: str, node, data: dict, keys: list[str], tags: dict) -> list[nodes.Node]:
    by_id = {c["id"]: c for c in data["claims"]}
    rows = []
    for claim_id, label in node["rows"]:
        claim = by_id.get(claim_id)
        if claim is None:
            logger.warning("matrix: no claim %r in this build", claim_id, location=node)
            continue
        rows.append((claim, label))
    groups = _column_runs([c for c, _ in rows], keys, lambda c, k: _observed(c, k, tags))
    body = []
    for claim, label in rows:
        cells = []
        for group in groups:
            paragraph = nodes.paragraph()
            paragraph += _breakable(_observed(claim, group[0], tags))
            cells.append(paragraph)
        body.append([claim_paragraph(app, fromdoc, claim, label)] + cells)
    header = ["behaviour"] + [span_label(g, keys) for g in groups]
    table = _table(header, body, [30] + [12] * len(groups), ("pycache-ledger", "pycache-matrix"))
    about = nodes.bullet_list()
    for record in data["interpreters"]:
        item = nodes.list_item()
        whose = " (%s's build)" % record["build"] if record.get("build") else ""
        item += nodes.paragraph(text="CPython %s%s: %s" % (record["version"], whose, record["path"]))
        about += item
    merged = "; ".join("%s stands for %s" % (span_label(g, keys), ", ".join(g)) for g in groups if len(g) > 1)
    built = nodes.paragraph(text="Built %s on %s (%s)%s. Interpreters:" % (
        datetime.date.today().isoformat(), platform.platform(terse=True), platform.machine(),
        "; neighbouring versions that showed the same in every row share a column (%s)" % merged if merged else ""))
    return [table, built, about] + _coverage_nodes(data)[:1]


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
    statements = [b for b in doctree.findall(nodes.container) if b.get("pycache_claim")]
    if not placeholders and not statements:
        return
    from pycache_lab import ledger

    data, _ = ledger.merge(Path(app.outdir).parent / "claims.d")
    claims_by_id = {c["id"]: c for c in data["claims"]}
    _check_statements(doctree, fromdoc, claims_by_id)
    for node in list(doctree.findall(claim_placeholder)):
        node.replace_self(_claim_link(app, fromdoc, node, claims_by_id))
    keys = [i["version"] for i in data["interpreters"]]
    tags = {i["version"]: i.get("cache_tag") for i in data["interpreters"]}
    for node in list(doctree.findall(ledger_placeholder)):
        node.replace_self(_ledger(app, fromdoc, data, keys, tags))
    for node in list(doctree.findall(decision_placeholder)):
        node.replace_self(_decision(app, node, data, keys, tags))
    for node in list(doctree.findall(matrix_placeholder)):
        node.replace_self(_matrix(app, fromdoc, node, data, keys, tags))


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
    app.add_directive("claim", ClaimStatement)
    app.connect("doctree-resolved", fill)
    app.connect("doctree-resolved", note_coverage)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
