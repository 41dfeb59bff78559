"""The ``{verdict}`` role: a myth's verdict, computed from its claim's results when the page is written.

``{verdict}`myth-some-slug``` becomes the verdict ``pycache_lab.verdicts.label`` computes from what
each interpreter showed for that claim (``observed[version]["write-up"]`` in ``claims.json``), so a
verdict table cannot say what the interpreters did not. An unknown claim, or one that records no
per-interpreter verdict, is a warning (a strict build fails).
"""
from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

logger = logging.getLogger(__name__)


class verdict_placeholder(nodes.Inline, nodes.Element):
    pass


class VerdictRole(SphinxRole):
    def run(self):
        node = verdict_placeholder(claim_id=self.text.strip())
        self.set_source_info(node)
        return [node], []


def fill(app, doctree, fromdoc: str) -> None:
    placeholders = list(doctree.findall(verdict_placeholder))
    if not placeholders:
        return
    from pycache_lab import ledger, verdicts

    data, _ = ledger.merge(Path(app.outdir).parent / "claims.d")
    by_id = {c["id"]: c for c in data["claims"]}
    versions = [i["version"] for i in data["interpreters"]]
    for node in placeholders:
        claim = by_id.get(node["claim_id"])
        if claim is None:
            logger.warning("{verdict} role: no claim %r in this build", node["claim_id"], location=node)
            node.replace_self(nodes.literal(text=node["claim_id"]))
            continue
        try:
            text = verdicts.label_of_record(claim, versions)
        except (KeyError, TypeError):
            logger.warning("{verdict} role: claim %r records no verdict on the write-up", node["claim_id"],
                           location=node)
            text = "?"
        node.replace_self(nodes.strong(text=text, classes=["pycache-verdict"]))


def setup(app):
    app.add_node(verdict_placeholder)
    app.add_role("verdict", VerdictRole())
    app.connect("doctree-resolved", fill)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
