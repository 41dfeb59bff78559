"""Proposed changes to CPython's documentation, each sentence traced to the book's claims.

A proposal is written in a book page as the body of an ``{upstream-proposal}`` directive::

    @problem
    One or two sentences: what the current text gets wrong or leaves out.
    @reproducer 3.7
    import os, subprocess, sys, tempfile
    ...
    @expected
    What the documentation leads a reader to expect.
    @related
    Related upstream issues and pull requests, as the issue draft shows them.
    @note
    Advice to whoever files it (shown in the book only, never in the draft).
    @replace block Doc/using/cmdline.rst ".. option:: -B"
    reST in CPython's conventions, at column 0. Every sentence ends with the claims that back it,
    in double brackets. [[claim-one, claim-two]]

The reproducer is a Python script; ``@reproducer 3.7`` says the oldest version it runs on (3.6 when
not given: drafts are about Python 3). A hunk names its file and its place by anchor text
(``pycache_upstream_patch``). This module
parses and checks the text and renders the files for upstream (``.rst``, issue draft ``.md``); it
knows nothing about Sphinx. A sentence without claims is an error: the text between two markers
must hold exactly one sentence, and nothing but markup may follow the last.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pycache_upstream_patch import ACTIONS, Place

MARKER = re.compile(r"\s*\[\[([^\]]*)\]\]")
_DIRECTIVE_LINE = re.compile(r"^\s*\.\. [\w:-]+::.*$")
_OPTION_LINE = re.compile(r"^\s*:[\w-]+:.*$")
_LITERAL = re.compile(r"``.+?``|`[^`]*`")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
SECTIONS = ("problem", "reproducer", "expected", "related", "note") + ACTIONS
REQUIRED = ("problem", "reproducer", "expected", "related")
REPRODUCER_FROM = (3, 6)
DRAFT_FROM = (3, 10)
"""An issue draft shows the outputs of these versions and later; older ones are past their end of
life upstream (the book still shows them all)."""


class ProposalError(ValueError):
    """A proposal that cannot be traced: the message names the proposal and the text."""


@dataclass
class Sentence:
    text: str
    claims: list[str]


@dataclass
class Hunk:
    """One passage of a CPython file: where it goes, the new text with its markers, its sentences."""

    place: Place
    source: str
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def rst(self) -> str:
        """The reST to propose: the markers removed."""
        return MARKER.sub("", self.source).rstrip() + "\n"

    @property
    def replaces(self) -> str:
        return self.place.describe()

    @property
    def is_rst(self) -> bool:
        return self.place.file.endswith(".rst")


@dataclass
class Proposal:
    target: str
    title: str
    section: str
    problem: str
    reproducer: str
    expected: str
    related: str
    note: str
    hunks: list[Hunk]
    reproducer_from: tuple[int, ...] = REPRODUCER_FROM

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9_]+", "-", self.target).strip("-")

    @property
    def files(self) -> list[str]:
        return sorted({hunk.place.file for hunk in self.hunks})

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
    lines, in_header, continued = [], False, False
    for line in text.splitlines():
        if _DIRECTIVE_LINE.match(line) or (in_header and continued):
            in_header, continued = True, line.endswith("\\")
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
        header = source[position:match.start()].strip()
        if not prose and any(_DIRECTIVE_LINE.match(line) for line in header.splitlines()):
            # a marker right after a directive's first line (a signature, say) traces that line
            prose = " ".join(header.split())
            claims = [c.strip() for c in match.group(1).split(",") if c.strip()]
            sentences.append(Sentence(prose, claims))
            position = match.end()
            continue
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
    parts: dict[str, list[str]] = {}
    hunks: list[tuple[Place, list[str]]] = []
    since = REPRODUCER_FROM
    current: list[str] | None = None
    for line in body.splitlines():
        if line.startswith("@"):
            name, _, rest = line[1:].partition(" ")
            if name not in SECTIONS:
                raise ProposalError("%s: unknown section @%s (known: %s)" % (target, name, ", ".join(SECTIONS)))
            current = []
            if name in ACTIONS:
                try:
                    hunks.append((Place.parse(name, rest.strip()), current))
                except ValueError as error:
                    raise ProposalError("%s: %s" % (target, error)) from None
            elif name in parts:
                raise ProposalError("%s: @%s given twice" % (target, name))
            else:
                parts[name] = current
                if name == "reproducer" and rest.strip():
                    if not re.fullmatch(r"\d+(\.\d+)*", rest.strip()):
                        raise ProposalError("%s: @reproducer takes a version, such as 3.7: %r" % (target, rest))
                    since = tuple(int(n) for n in rest.split("."))
        elif current is None:
            if line.strip():
                raise ProposalError("%s: text before the first @section: %r" % (target, line))
        else:
            current.append(line)
    text = {name: "\n".join(lines).strip("\n") for name, lines in parts.items()}
    for name in REQUIRED:
        if not text.get(name, "").strip():
            raise ProposalError("%s: the @%s section is missing or empty" % (target, name))
    if not hunks:
        raise ProposalError("%s: no hunk (@%s)" % (target, ", @".join(ACTIONS)))
    parsed = []
    for place, lines in hunks:
        source = "\n".join(lines).strip("\n")
        parsed.append(Hunk(place, source, trace(source, "%s (%s)" % (target, place.describe()))))
    return Proposal(target, title, section, _joined(text["problem"]), text["reproducer"],
                    _joined(text["expected"]), _joined(text["related"]), _joined(text.get("note", "")), parsed,
                    since)


def _joined(text: str) -> str:
    """Paragraphs kept, lines inside a paragraph joined."""
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


_DIRECTIVE = re.compile(r"^```\{upstream-proposal\}[ \t]+(\S+)\n(.*?)^```[ \t]*$", re.M | re.S)


def proposals_in(folder: Path) -> list[Proposal]:
    """Every proposal of the book's pages in ``folder``, parsed from the page sources."""
    found = []
    for page in sorted(Path(folder).glob("*.md")):
        for match in _DIRECTIVE.finditer(page.read_text(encoding="utf-8")):
            options, body, lines = {}, [], match.group(2).splitlines()
            while lines and lines[0].startswith(":"):
                name, _, value = lines.pop(0)[1:].partition(":")
                options[name.strip()] = value.strip().strip('"')
            body = "\n".join(lines)
            found.append(parse(match.group(1), options.get("title", ""), options.get("section", ""), body))
    return found


# -- results, as the build recorded them ----------------------------------------------------------
def verdict_runs(claim: dict, keys: list[str]) -> str:
    """'holds on 3.6.15–3.13.0 (9); n/a on 2.7.18': runs of interpreters with the same verdict."""
    from pycache_lab.ledger import neighbours_alike

    runs = neighbours_alike([k for k in keys if k in claim["results"]], lambda key: claim["results"][key])
    return "; ".join("%s on %s" % (verdict, ks[0] if len(ks) == 1 else "%s–%s (%d)" % (ks[0], ks[-1], len(ks)))
                     for verdict, ks in runs)


# -- files for upstream ---------------------------------------------------------------------------
def render_rst(proposal: Proposal) -> str:
    """The proposed reST of the Doc/ hunks, as written (at column 0), nothing else."""
    from pycache_upstream_patch import refill

    return "\n\n".join(refill(hunk.rst) for hunk in proposal.hunks if hunk.is_rst)


def patch(proposals: list[Proposal], root: Path) -> str:
    """One ``git diff`` of every file these proposals touch, against the tree at ``root``.

    Raises ``AnchorError`` (``pycache_upstream_patch``) when an anchor is missing or ambiguous,
    or when two hunks touch the same lines."""
    from pycache_upstream_patch import git_diff, patched

    by_file: dict[str, list] = {}
    for proposal in proposals:
        for hunk in proposal.hunks:
            by_file.setdefault(hunk.place.file, []).append((hunk.place, hunk.rst))
    diffs = []
    for file, hunks in sorted(by_file.items()):
        path = Path(root) / file
        if not path.is_file():
            from pycache_upstream_patch import AnchorError
            raise AnchorError("%s: no such file in %s" % (file, root))
        old = path.read_text(encoding="utf-8")
        diffs.append(git_diff(file, old, patched(old, hunks)))
    return "".join(diffs)


def _version(key: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", key)[:2])


_LINKS = ((re.compile(r"\bgh-(\d+)\b"), "[gh-%s](https://github.com/python/cpython/issues/%s)"),
          (re.compile(r"\bbpo-(\d+)\b"), "[bpo-%s](https://bugs.python.org/issue%s)"))


def linked(text: str) -> str:
    for pattern, link in _LINKS:
        text = pattern.sub(lambda m, link=link: link % (m.group(1), m.group(1)), text)
    return text


def render_issue(proposal: Proposal, outputs: list[tuple[list[str], str]]) -> str:
    """An issue as it is filed on CPython's tracker: one topic, a reproducer, expected and actual
    behaviour, the versions it was run on, links to related issues, the proposed wording."""
    outputs = [(kept, text) for kept, text in
               (([v for v in group if _version(v) >= DRAFT_FROM], text) for group, text in outputs) if kept]
    versions = [v for group, _ in outputs for v in group]
    out = ["# %s" % proposal.title, "",
           "# Documentation", "",
           "%s (%s)" % (proposal.url, proposal.section), "",
           linked(proposal.problem), "",
           "## Reproducer", "",
           "Save as `reproduce.py` and run it with the interpreter to test, Python %s or later "
           "(`python3 reproduce.py`):" % ".".join(map(str, proposal.reproducer_from)), "",
           "```python", proposal.reproducer.rstrip(), "```", "",
           "## Expected", "", linked(proposal.expected), "",
           "## Actual", ""]
    for group, text in outputs:
        out += ["CPython %s:" % ", ".join(group), "", "```", text.rstrip() or "(no output)", "```", ""]
    same = "every one printed the output above" if len(outputs) == 1 else "the output differs by version as shown"
    out += ["## Versions", "",
            "Checked on CPython %s (Linux); %s." % (", ".join(versions), same), "",
            "## Proposed wording", ""]
    from pycache_upstream_patch import refill

    for hunk in proposal.hunks:
        text = refill(hunk.rst) if hunk.is_rst else hunk.rst
        out += ["%s:" % hunk.replaces, "", "```%s" % ("rst" if hunk.is_rst else "roff"), text.rstrip(), "```", ""]
    out += ["## Linked issues", "", linked(proposal.related), ""]
    return "\n".join(out)
