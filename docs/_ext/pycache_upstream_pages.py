"""The ``{upstream-proposal}`` directive: proposed CPython doc text, every sentence traced to claims.

When a page is read, the proposal is parsed and checked (``pycache_upstream``: a sentence without
claims is an error, so the strict build fails) and its reproducer is run on every interpreter of
the build, in the lab's sandbox, with ``PY`` set to the interpreter. At ``doctree-resolved``, when
every claim of the build is known, the tracing table is filled from the ledger and the files for
upstream are written: ``build/upstream/<target>.rst`` and ``build/upstream/<target>.md``.
"""
from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import pycache_upstream
from pycache_upstream_patch import refill
from pycache_lab.book import interpreters_in_use
from pycache_ledger_pages import _inline, _table, claim_paragraph

logger = logging.getLogger(__name__)
REPRODUCER_TIMEOUT = 60


class tracing_placeholder(nodes.General, nodes.Element):
    pass


def run_reproducer(script: str, since: tuple[int, ...]) -> tuple[list[tuple[list[str], str]], list[str]]:
    """The reproducer's output per interpreter, interpreters with the same output grouped, and one
    line per interpreter on which it failed (exit status and the last line it printed).

    The reproducer is a Python script, run as ``python reproduce.py`` in the lab's sandbox, so
    that it is the same text a maintainer runs."""
    from pycache_lab import Sandbox

    groups: list[tuple[list[str], str]] = []
    failures: list[str] = []
    for py in interpreters_in_use().interpreters:
        if not py.at_least(*since):
            continue  # named in the book as "not run on"
        with Sandbox() as box:
            box.write("reproduce.py", script + "\n")
            obs = box.run(py, ["reproduce.py"], timeout=REPRODUCER_TIMEOUT)
        if obs.returncode != 0:
            said = (obs.errors or obs.output).strip().splitlines() or [""]
            failures.append("the reproducer failed on CPython %s (exit %d): %s" % (py.key, obs.returncode, said[-1]))
            continue
        text = obs.stdout
        for versions, shown in groups:
            if shown == text:
                versions.append(py.key)
                break
        else:
            groups.append(([py.key], text))
    return groups, failures


def record_failures(docname: str, slug: str, failures: list[str]) -> None:
    """A failed reproducer is a finding about CPython, not a crash: it goes into the ledger as a
    page error (the build lists it in its last lines and fails), never as a Sphinx error."""
    import os

    from pycache_lab import ledger

    directory = os.environ.get(ledger.ENV_VAR)
    if directory:
        ledger.write_fragment(directory, "%s#reproducer-%s" % (docname, slug),
                              interpreters_in_use().interpreters, [],
                              ["proposal %s: %s" % (slug, failure) for failure in failures])


class ProposalDirective(SphinxDirective):
    """``{upstream-proposal} <docs path>[#anchor]`` with ``:title:``, ``:section:`` and the body."""

    required_arguments = 1
    has_content = True
    option_spec = {"title": str, "section": str}

    def run(self):
        try:
            proposal = pycache_upstream.parse(self.arguments[0], self.options.get("title", ""),
                                              self.options.get("section", ""), "\n".join(self.content))
        except pycache_upstream.ProposalError as error:
            raise self.error(str(error)) from None
        if not proposal.title or not proposal.section:
            raise self.error("%s: :title: and :section: are required" % proposal.target)
        targets = getattr(self.env, "pycache_upstream_targets", {})
        self.env.pycache_upstream_targets = targets
        targets.setdefault(proposal.slug, []).append(self.env.docname)
        outputs, failures = run_reproducer(proposal.reproducer, proposal.reproducer_from)
        if failures:
            record_failures(self.env.docname, proposal.slug, failures)

        shown: list[nodes.Node] = []
        link = nodes.paragraph()
        link += nodes.Text("Target: ")
        link += nodes.reference("", proposal.target, refuri=proposal.url)
        link += nodes.Text(" (%s). Issue title: %s." % (proposal.section, proposal.title))
        shown.append(link)
        shown.append(_labelled("Problem", proposal.problem))
        shown.append(_labelled("Expected from the documentation", proposal.expected))
        shown.append(_labelled("Already upstream", proposal.related))
        if proposal.note:
            shown.append(_labelled("Before filing", proposal.note))
        for hunk in proposal.hunks:
            shown.append(nodes.rubric(text=hunk.replaces))
            text = refill(hunk.rst) if hunk.is_rst else hunk.rst
            shown.append(nodes.literal_block(text, text, language="rst" if hunk.is_rst else "text"))
        shown.append(nodes.rubric(text="Every sentence and its claims"))
        shown.append(tracing_placeholder(proposal=proposal, outputs=outputs))
        shown.append(nodes.rubric(text="Reproducer"))
        shown.append(nodes.literal_block(proposal.reproducer, proposal.reproducer, language="python"))
        older = [py.key for py in interpreters_in_use().interpreters if not py.at_least(*proposal.reproducer_from)]
        if older:
            shown.append(nodes.paragraph(text="Not run on CPython %s: the reproducer needs Python %s or later."
                                         % (", ".join(older), ".".join(map(str, proposal.reproducer_from)))))
        for failure in failures:
            shown.append(nodes.paragraph(text="Drift: %s." % failure))
        for versions, text in outputs:
            shown.append(nodes.paragraph(text="Output with CPython %s:" % ", ".join(versions)))
            shown.append(nodes.literal_block(text, text.rstrip() or "(nothing)", language="text"))
        return shown


def _labelled(label: str, text: str) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    paragraph += nodes.strong(text=label + ": ")
    paragraph += _inline(text)
    return paragraph


def fill(app, doctree, fromdoc: str) -> None:
    placeholders = list(doctree.findall(tracing_placeholder))
    if not placeholders:
        return
    from pycache_lab import ledger

    data, _ = ledger.merge(Path(app.outdir).parent / "claims.d")
    keys = [i["version"] for i in data["interpreters"]]
    by_id = {c["id"]: c for c in data["claims"]}
    out_dir = Path(app.outdir).parent / "upstream"
    for node in placeholders:
        proposal = node["proposal"]
        unknown = [c for c in proposal.claim_ids if c not in by_id]
        if unknown:
            logger.warning("upstream proposal %s: no claim %s in this build", proposal.target,
                           ", ".join(repr(c) for c in unknown), location=node)
            node.replace_self([])
            continue
        rows = []
        for sentence in proposal.sentences:
            claims_cell = nodes.container()
            results_cell = nodes.container()
            for claim_id in sentence.claims:
                claims_cell += claim_paragraph(app, fromdoc, by_id[claim_id], "`%s`" % claim_id)
                results_cell += nodes.paragraph(text=pycache_upstream.verdict_runs(by_id[claim_id], keys))
            rows.append([nodes.paragraph(text=sentence.text), claims_cell, results_cell])
        node.replace_self(_table(["sentence", "claims", "results"], rows, [50, 25, 25]))
        out_dir.mkdir(parents=True, exist_ok=True)
        rst = pycache_upstream.render_rst(proposal)
        if rst:
            (out_dir / (proposal.slug + ".rst")).write_text(rst, encoding="utf-8")
        (out_dir / (proposal.slug + ".md")).write_text(
            pycache_upstream.render_issue(proposal, node["outputs"]), encoding="utf-8")


def forget(app, env, docname) -> None:
    for pages in getattr(env, "pycache_upstream_targets", {}).values():
        pages[:] = [page for page in pages if page != docname]


def merge(app, env, docnames, other) -> None:
    targets = getattr(env, "pycache_upstream_targets", {})
    env.pycache_upstream_targets = targets
    # A worker process starts from a copy of the main environment, so its table also holds the
    # pages merged before it was forked: take only the pages this worker read.
    for slug, pages in getattr(other, "pycache_upstream_targets", {}).items():
        targets.setdefault(slug, []).extend(page for page in pages if page in docnames)


def one_proposal_per_page(app, env) -> None:
    """Two proposals with one target would overwrite each other's files: refuse."""
    for slug, pages in sorted(getattr(env, "pycache_upstream_targets", {}).items()):
        if len(pages) > 1:
            logger.warning("upstream: %d proposals with the target %s (in %s); give each its own anchor",
                           len(pages), slug, ", ".join(sorted(pages)))


def setup(app):
    app.connect("env-purge-doc", forget)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", one_proposal_per_page)
    app.add_node(tracing_placeholder)
    app.add_directive("upstream-proposal", ProposalDirective)
    app.connect("doctree-resolved", fill)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
