"""Proposed changes to CPython's documentation, each sentence traced to the book's claims.

A proposal is written in a book page as the body of an ``{upstream-proposal}`` directive::

    @problem
    One or two sentences: what the current text gets wrong or leaves out.
    @reproducer
    PY=${PY:-python3}
    cd "$(mktemp -d)" && ...
    @related
    What is already proposed or decided upstream (issues, pull requests), or that nothing was found.
    @replace the description of -B
    reST in CPython's conventions. Every sentence ends with the claims that back it, in double
    brackets. [[claim-one, claim-two]]

This module parses and checks that text and renders the files for upstream (``.rst``, issue
draft ``.md``); it knows nothing about Sphinx. A sentence without claims is an error: the text
between two markers must hold exactly one sentence, and nothing but markup may follow the last.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = re.compile(r"\s*\[\[([^\]]*)\]\]")
_DIRECTIVE_LINE = re.compile(r"^\s*\.\. [\w:-]+::.*$")
_OPTION_LINE = re.compile(r"^\s*:[\w-]+:.*$")
_LITERAL = re.compile(r"``.+?``|`[^`]*`")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
SECTIONS = ("problem", "reproducer", "related", "replace")
_CACHE_TAG = re.compile(r"cpython-\d+")
OBSERVED_WIDTH = 160


class ProposalError(ValueError):
    """A proposal that cannot be traced: the message names the proposal and the text."""


@dataclass
class Sentence:
    text: str
    claims: list[str]


@dataclass
class Hunk:
    """One replaced passage of the target page: what it replaces, the new reST, its sentences."""

    replaces: str
    source: str
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def rst(self) -> str:
        """The reST to propose: the markers removed."""
        return MARKER.sub("", self.source).rstrip() + "\n"


@dataclass
class Proposal:
    target: str
    title: str
    section: str
    problem: str
    reproducer: str
    related: str
    hunks: list[Hunk]

    @property
    def slug(self) -> str:
        return self.target.partition("#")[0].replace("/", "-").replace(".", "-")

    @property
    def url(self) -> str:
        page, _, anchor = self.target.partition("#")
        return "https://docs.python.org/3/%s.html%s" % (page, "#" + anchor if anchor else "")

    @property
    def claim_ids(self) -> list[str]:
        seen: list[str] = []
        for hunk in self.hunks:
            for sentence in hunk.sentences:
                seen += [c for c in sentence.claims if c not in seen]
        return seen

    @property
    def sentences(self) -> list[Sentence]:
        return [s for h in self.hunks for s in h.sentences]


def _prose(text: str) -> str:
    """The words of a stretch of reST that count as sentences: no directive or option lines."""
    lines, in_header = [], False
    for line in text.splitlines():
        if _DIRECTIVE_LINE.match(line):
            in_header = True
        elif in_header and _OPTION_LINE.match(line):
            continue  # a directive's option, such as ":noindex:", is not prose
        else:
            in_header = False
            lines.append(line)
    return " ".join(" ".join(lines).split())


def _sentence_ends(prose: str) -> int:
    return len(_SENTENCE_END.findall(_LITERAL.sub("x", prose)))


def trace(source: str, where: str) -> list[Sentence]:
    """Split marked-up reST into sentences, each with its claims; raise on an untraced sentence."""
    sentences = []
    position = 0
    for match in MARKER.finditer(source):
        prose = _prose(source[position:match.start()])
        claims = [c.strip() for c in match.group(1).split(",") if c.strip()]
        if not claims:
            raise ProposalError("%s: empty claim list after %r" % (where, prose[-60:]))
        ends = _sentence_ends(prose)
        if ends != 1:
            raise ProposalError("%s: each [[claims]] marker must close exactly one sentence; found %d "
                                "before %s: %r" % (where, ends, match.group(0).strip(), prose))
        sentences.append(Sentence(prose, claims))
        position = match.end()
    rest = _prose(source[position:])
    if rest:
        raise ProposalError("%s: a sentence without claims: %r" % (where, rest))
    if not sentences:
        raise ProposalError("%s: no traced sentence" % where)
    return sentences


def parse(target: str, title: str, section: str, body: str) -> Proposal:
    """The body of an ``{upstream-proposal}`` directive, checked."""
    parts: dict[str, str] = {}
    hunks: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in body.splitlines():
        if line.startswith("@"):
            name, _, rest = line[1:].partition(" ")
            if name not in SECTIONS:
                raise ProposalError("%s: unknown section @%s (known: %s)" % (target, name, ", ".join(SECTIONS)))
            current = []
            if name == "replace":
                if not rest.strip():
                    raise ProposalError("%s: @replace needs what it replaces" % target)
                hunks.append((rest.strip(), current))
            elif name in parts:
                raise ProposalError("%s: @%s given twice" % (target, name))
            else:
                parts[name] = current  # type: ignore[assignment]
        elif current is None:
            if line.strip():
                raise ProposalError("%s: text before the first @section: %r" % (target, line))
        else:
            current.append(line)
    text = {name: "\n".join(lines).strip("\n") for name, lines in parts.items()}  # type: ignore[arg-type]
    for name in ("problem", "reproducer", "related"):
        if not text.get(name, "").strip():
            raise ProposalError("%s: the @%s section is missing or empty" % (target, name))
    if not hunks:
        raise ProposalError("%s: no @replace section" % target)
    parsed = []
    for replaces, lines in hunks:
        source = "\n".join(lines).strip("\n")
        parsed.append(Hunk(replaces, source, trace(source, "%s (%s)" % (target, replaces))))
    return Proposal(target, title, section, " ".join(text["problem"].split()), text["reproducer"],
                    " ".join(text["related"].split()), parsed)


# -- results, as the build recorded them ----------------------------------------------------------
def verdict_runs(claim: dict, keys: list[str]) -> str:
    """'holds on 3.6.15–3.13.0 (9); n/a on 2.7.18': runs of interpreters with the same verdict."""
    from pycache_lab.ledger import neighbours_alike

    runs = neighbours_alike([k for k in keys if k in claim["results"]], lambda key: claim["results"][key])
    return "; ".join("%s on %s" % (verdict, ks[0] if len(ks) == 1 else "%s–%s (%d)" % (ks[0], ks[-1], len(ks)))
                     for verdict, ks in runs)


def observed_runs(claim: dict, keys: list[str]) -> str:
    """'3.6.15: nothing; 3.7.16–3.13.0: other.pyc': what was observed, like interpreters merged."""
    from pycache_lab.book import show_value
    from pycache_lab.ledger import runs_of

    def shown(key: str) -> str:
        if claim["results"][key] == "n/a":
            return "does not apply"
        text = _CACHE_TAG.sub("<tag>", show_value(claim["observed"].get(key)).replace("`", ""))
        return text if len(text) <= OBSERVED_WIDTH else text[:OBSERVED_WIDTH - 1] + "…"

    return runs_of(claim, keys, shown)


# -- files for upstream ---------------------------------------------------------------------------
def render_rst(proposal: Proposal) -> str:
    lines = [".. Proposed text for %s (%s)." % (proposal.target, proposal.section),
             ".. Each hunk replaces the passage named in its comment.", ""]
    for hunk in proposal.hunks:
        lines += [".. Replaces: %s" % hunk.replaces, "", hunk.rst]
    return "\n".join(lines)


def render_issue(proposal: Proposal, data: dict, outputs: list[tuple[list[str], str]]) -> str:
    """A ready-to-file issue: problem, reproducer and its output, results across versions, text."""
    keys = [i["version"] for i in data["interpreters"]]
    by_id = {c["id"]: c for c in data["claims"]}
    out = ["# %s" % proposal.title, "",
           "**Documentation:** [%s](%s) (%s)" % (proposal.target, proposal.url, proposal.section), "",
           "## Problem", "", proposal.problem, "",
           "## Reproducer", "", "```sh", proposal.reproducer, "```", ""]
    for versions, text in outputs:
        out += ["Output with CPython %s:" % ", ".join(versions), "", "```", text.rstrip() or "(nothing)", "```", ""]
    out += ["## Observed across versions", "",
            "Each claim was checked by the pycache-book build on CPython %s." % ", ".join(keys), "",
            "| claim | statement | observed | verdict |", "|---|---|---|---|"]
    for claim_id in proposal.claim_ids:
        claim = by_id[claim_id]
        out.append("| `%s` | %s | %s | %s |" % (claim_id, claim["statement"].replace("|", "\\|"),
                                              observed_runs(claim, keys).replace("|", "\\|"), verdict_runs(claim, keys)))
    out += ["", "## Proposed text", ""]
    for hunk in proposal.hunks:
        out += ["Replacing %s:" % hunk.replaces, "", "```rst", hunk.rst.rstrip(), "```", ""]
    out += ["## Already upstream", "", proposal.related, ""]
    return "\n".join(out)
