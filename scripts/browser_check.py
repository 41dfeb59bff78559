"""Check the built site the way a reader meets it: in a real (headless) browser.

    python scripts/browser_check.py [--no-build] [--build DIR] [--screenshots DIR] [--links-only]

1. Builds the book strictly (``scripts/build_book.py``) into ``--build`` (default ``build/``),
   unless ``--no-build`` reuses the HTML already there.
2. Without a browser, on every page: each internal ``href``/``src`` names a file that exists and,
   with a ``#fragment``, an element with that id; every claim reference (``{claim}`` links, the
   ledger's and the matrix's rows, claim ids named in the security chapter) lands on
   ``#claim-<id>``; the footer links to ``claims.json`` (published with the site) and the
   repository and names every interpreter of the build; each page has a meta description.
3. Serves ``<build>/html`` on a free localhost port and drives Debian's Chromium through Selenium
   and chromedriver, at desktop (1366x900) and phone (390x844) size: no page scrolls sideways; no
   inline-code token breaks across lines (unless it alone is wider than the line, or it is a claim id
   linked in a table's "Claims" column and breaks only right after its hyphens); the decision
   diagrams' text is drawn at 12 px or more and names every switch of the rules chapters; every
   table shows its column headers, keeps its first column in view when it scrolls sideways and has
   text of 12 px or more, and the version matrix fits a desktop screen; a claim link scrolls to the
   claim; the front page's first visit transfers under 1 MiB; the front page answers by symptom.
   At desktop size as before: no console errors and no raw MyST syntax on the pages below; a
   version tab switches its panel and stays chosen on another page (when the build has two minor
   versions or more); previous/next links, copy buttons and the light/dark switch work; site
   search finds the pages for ``dont_write_bytecode``, ``pyc not updated`` and ``python -m``.
4. Saves screenshots of the front page, a chapter, the decision page, the matrix, the ledger and
   the search page at both sizes in ``--screenshots`` (default ``<build>/screenshots``).

Nothing is counted against a fixed number of interpreters: the versions come from the published
``claims.json``. Exit status 0 when everything passed, 1 on any failed check, 2 when the browser
could not start. Selenium comes from ``requirements-browser.txt``; Chromium and chromedriver from
Debian (``apt-get install chromium chromium-driver``). Nothing is downloaded at run time.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser_measure as measure  # noqa: E402

PAGES = {  # screenshot name: path below the site root
    "front": "index.html",
    "chapter": "switches.html",
    "decision": "decision.html",
    "ledger": "ledger.html",
    "matrix": "matrix.html",
    "search": "search.html?q=dont_write_bytecode",
}
SIZES = {"desktop": (1366, 900, False), "phone": (390, 844, True)}
RAW_MYST = [":::", "{code-cell}", "{claim}", "```{", "{tab-set}", "{tab-item}", "{toctree}", "{option}`",
            "{envvar}`", "{func}`", "{data}`", "{mod}`"]
TAB_PAGE, OTHER_TAB_PAGE = "switches.html", "scripts-and-imports.html"
SEARCHES = {  # what a reader types: a page that must be among the results
    "dont_write_bytecode": "switches.html",
    "pyc not updated": "index.html",
    "python -m": "scripts-and-imports.html",
}
# The switches the rules chapters cover (switches, locations): each has a branch on the decision page.
DECISION_SWITCHES = ["-B", "PYTHONDONTWRITEBYTECODE=1", "PYTHONDONTWRITEBYTECODE=0", "sys.dont_write_bytecode",
                     "-E", "-I", "-O", "-OO", "PYTHONPYCACHEPREFIX", "pycache_prefix"]
LAB_WORDS = ["planted", "PLANTED"]  # the decision page speaks the reader's words
SYMPTOMS = 6  # questions answered at the top of the front page
MIN_TEXT_PX = 12.0
MAX_FIRST_VISIT = 1 << 20  # bytes
CLAIM_PAGES = ("ledger.html", "matrix.html", "security.html")  # every claim id named there is a link


# -- Links, without a browser -------------------------------------------------------------------

class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "a" and name == "src"):
                self.links.append(attrs[name])

    handle_startendtag = handle_starttag


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def _is_external(link: str) -> bool:
    parts = urlsplit(link)
    return bool(parts.scheme or parts.netloc) or link.startswith(("mailto:", "javascript:", "data:"))


def site_pages(site: Path) -> list[Path]:
    """The HTML pages of a built site; ``_static/`` holds the theme's template fragments, not pages."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def check_links(site: Path) -> list[str]:
    """Every internal link of every HTML page under ``site``: problems as 'page: link (why)'."""
    _parse.cache_clear()
    site = site.resolve()
    problems = []
    for page in site_pages(site):
        for link in _parse(page).links:
            if _is_external(link):
                continue
            parts = urlsplit(link)
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = "%s: %s" % (page.relative_to(site).as_posix(), link)
            if site not in target.parents and target != site:
                problems.append("%s (leaves the site)" % where)
            elif not target.is_file():
                problems.append("%s (no such file)" % where)
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target).ids:
                problems.append("%s (no element with id %r)" % (where, unquote(parts.fragment)))
    return problems


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _ClaimRefs(HTMLParser):
    """Claim references of a page: each ``a.pycache-claim``, each table row of the ledger and the matrix,
    and each inline code that names a claim id, with the link it sits in (if any)."""

    def __init__(self, claim_ids: set[str]):
        super().__init__(convert_charrefs=True)
        self.claim_ids = claim_ids
        self.links: list[tuple[str, str]] = []  # (href, text) of a.pycache-claim
        self.named: list[tuple[str, str | None]] = []  # (claim id in code, href of the enclosing link)
        self.rows_without_link = 0  # body rows of ledger/matrix tables with no claim link
        self.footer_text: list[str] = []
        self.footer_links: list[str] = []
        self.description = ""
        self._a: list[tuple[str, bool]] = []
        self._code: list[str] | None = None
        self._tables: list[bool] = []
        self._row: bool | None = None
        self._in_tbody = False
        self._cells = 0  # open td elements
        self._footer = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content") or ""
        if (self._footer or tag == "footer") and tag not in VOID:
            self._footer += 1
        if tag == "a":
            self._a.append((attrs.get("href") or "", "pycache-claim" in classes))
            self._text = []
            if self._footer:
                self.footer_links.append(attrs.get("href") or "")
            if "pycache-claim" in classes and self._row is not None:
                self._row = True
        elif tag == "code":
            self._code = []
        elif tag == "table":
            self._tables.append("pycache-ledger" in classes)
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "td":
            self._cells += 1
        elif tag == "tr" and self._in_tbody and self._tables and self._tables[-1]:
            self._row = False

    def handle_endtag(self, tag):
        if tag == "a" and self._a:
            href, is_claim = self._a.pop()
            if is_claim:
                self.links.append((href, "".join(self._text).strip()))
        elif tag == "code" and self._code is not None:
            text = "".join(self._code).strip()
            if text in self.claim_ids and self._cells:
                self.named.append((text, self._a[-1][0] if self._a else None))
            self._code = None
        elif tag == "tr" and self._row is not None:
            self.rows_without_link += 0 if self._row else 1
            self._row = None
        elif tag == "tbody":
            self._in_tbody = False
        elif tag == "td" and self._cells:
            self._cells -= 1
        elif tag == "table" and self._tables:
            self._tables.pop()
        if self._footer and tag not in VOID:
            self._footer -= 1

    def handle_data(self, data):
        self._text.append(data)
        if self._code is not None:
            self._code.append(data)
        if self._footer:
            self.footer_text.append(data)


def published_claims(site: Path) -> dict | None:
    """The ``claims.json`` the site publishes (None when it is missing or unreadable)."""
    try:
        return json.loads((site / "claims.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def check_site_files(site: Path, report: Report, repository: str = "github.com") -> None:
    """Claim anchors, the footer's evidence links and the pages' descriptions, from the HTML files."""
    claims = published_claims(site)
    if not report.check(claims is not None and bool(claims.get("claims")), "the site publishes claims.json",
                        "missing or empty: %s" % (site / "claims.json")):
        return
    ids = {c["id"] for c in claims["claims"]}
    versions = [i["version"] for i in claims["interpreters"]]
    wrong, unlinked, rowless, footers, described = [], [], [], [], []
    pages = [p for p in site_pages(site) if p.name not in ("search.html", "genindex.html")]
    for page in pages:
        name = page.relative_to(site).as_posix()
        refs = _ClaimRefs(ids)
        refs.feed(page.read_text(encoding="utf-8", errors="replace"))
        for href, text in refs.links:
            fragment = urlsplit(href).fragment
            if not fragment.startswith("claim-"):
                wrong.append("%s: %s -> %s" % (name, text, href))
        for claim_id, href in refs.named:  # in tables: the claims a page shows itself are bold, not cells
            if name in CLAIM_PAGES and (href is None or urlsplit(href).fragment != "claim-" + claim_id):
                unlinked.append("%s: %s -> %s" % (name, claim_id, href))
        if name in ("ledger.html", "matrix.html") and refs.rows_without_link:
            rowless.append("%s: %d rows" % (name, refs.rows_without_link))
        footer = " ".join(" ".join(refs.footer_text).split())
        missing = [v for v in versions if v not in footer]
        has_links = (any(h.endswith("claims.json") for h in refs.footer_links)
                     and any(repository in h for h in refs.footer_links))
        if missing or not has_links:
            footers.append("%s: %s" % (name, "no claims.json or repository link" if not has_links
                                       else "interpreters not named: %s" % ", ".join(missing)))
        if not refs.description:
            described.append(name)
    report.check(not wrong, "every claim link of %d pages lands on #claim-<id>" % len(pages),
                 "%d do not: %s" % (len(wrong), "; ".join(wrong[:8])))
    report.check(not unlinked, "every claim id named on %s links to #claim-<id>" % ", ".join(CLAIM_PAGES),
                 "%d do not: %s" % (len(unlinked), "; ".join(unlinked[:8])))
    report.check(not rowless, "every row of the ledger's and the matrix's tables links to its claim", "; ".join(rowless))
    report.check(not footers, "every page's footer links claims.json and the repository and names the %d "
                 "interpreters (%s)" % (len(versions), ", ".join(versions)), "; ".join(footers[:6]))
    report.check(not described, "every page has a meta description", ", ".join(described))
    front = site / "index.html"
    head = front.read_text(encoding="utf-8", errors="replace").partition("</head>")[0] if front.is_file() else ""
    report.check(all(word in head for word in ("__pycache__", ".pyc", "stale", "-B")),
                 "the front page's title and description carry __pycache__, .pyc, stale and -B")


# -- The browser ----------------------------------------------------------------------------------

@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        (self.passed if ok else self.failed).append(what if ok or not detail else "%s: %s" % (what, detail))
        return ok

    def skip(self, what: str, why: str) -> None:
        """A check that cannot apply to this build, said aloud (never a silent pass)."""
        self.skipped.append("%s: %s" % (what, why))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the check reports what matters; no access log on stderr
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on a free localhost port from a thread; returns (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d/" % server.server_address[1]


def start_browser(chromium: str, chromedriver: str, profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--user-data-dir=%s" % profile, "--window-size=1366,900", "--hide-scrollbars"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)


def _viewport(driver, size: str) -> None:
    width, height, mobile = SIZES[size]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def _load(driver, url: str) -> None:
    driver.get(url)
    deadline = time.time() + 20
    while driver.execute_script("return document.readyState") != "complete" and time.time() < deadline:
        time.sleep(0.1)


def _console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def _main_text(driver) -> str:
    return driver.execute_script(
        "var m = document.querySelector('main') || document.body; return m.textContent;")


def _raw_myst(text: str) -> list[str]:
    return [marker for marker in RAW_MYST if marker in text]


def _wait(condition, seconds: float = 20.0, step: float = 0.2):
    deadline = time.time() + seconds
    while True:
        value = condition()
        if value or time.time() > deadline:
            return value
        time.sleep(step)


def check_pages(driver, base: str, report: Report) -> None:
    _viewport(driver, "desktop")
    for name, path in PAGES.items():
        _load(driver, base + path)
        driver.get_log("browser")  # drop messages of the previous page
        _load(driver, base + path)  # load again, so the log holds this page's messages only
        if name == "search":
            _wait(lambda: driver.find_elements("css selector", "#search-results li"))
        report.check(bool(driver.title), "%s: has a title" % path, "empty <title>")
        errors = _console_errors(driver)
        report.check(not errors, "%s: no console errors" % path, "; ".join(errors))
        raw = _raw_myst(_main_text(driver))
        report.check(not raw, "%s: no raw MyST syntax" % path, "shows %s" % ", ".join(raw))


def _tab_state(driver) -> list[dict]:
    """The first synchronised tab-set of the page: each label, whether it is chosen, panel shown."""
    return driver.execute_script("""
        var set = document.querySelector('.sd-tab-set');
        if (!set) return [];
        return Array.from(set.querySelectorAll(':scope > label.sd-tab-label')).map(function (label) {
            var input = document.getElementById(label.getAttribute('for'));
            var panel = label.nextElementSibling;
            return {sync: label.getAttribute('data-sync-id'), group: label.getAttribute('data-sync-group'),
                    text: label.textContent.trim(), checked: input.checked,
                    shown: panel.offsetParent !== null, panel: panel.textContent.trim()};
        });""")


def minor_versions(claims: dict | None) -> list[str]:
    """The minor versions of the build's interpreters ('2.7', '3.12'), from the published claims.json."""
    minors: list[str] = []
    for record in (claims or {}).get("interpreters", []):
        minor = ".".join(record["version"].split("#")[0].split(".")[:2])
        if minor not in minors:
            minors.append(minor)
    return minors


def check_tabs(driver, base: str, report: Report, minors: list[str]) -> None:
    """One tab per minor version of the build; switching one is remembered on the next page."""
    if len(minors) < 2:
        report.skip("%s: version tabs" % TAB_PAGE, "this build has one minor version (%s), so a page shows no "
                    "choice of version; build with two or more interpreters to check the tabs" % (minors or ["none"]))
        return
    _viewport(driver, "desktop")
    _load(driver, base + TAB_PAGE)
    before = _tab_state(driver)
    labels = [tab["text"] for tab in before]
    if not report.check(labels == minors, "%s: one version tab per minor version of the build (%s)" % (
            TAB_PAGE, ", ".join(minors)), "found %s" % labels):
        return
    report.check(all(tab["group"] == "python" for tab in before), "%s: tabs are in the sync group 'python'" % TAB_PAGE,
                 str({tab["group"] for tab in before}))
    shown = [tab for tab in before if tab["shown"]]
    report.check(len(shown) == 1 and shown[0]["checked"], "%s: exactly the chosen tab's panel is shown" % TAB_PAGE,
                 str([(t["text"], t["checked"], t["shown"]) for t in before]))
    target = next(tab for tab in before if not tab["checked"])
    label = driver.find_element("css selector", '.sd-tab-set > label[data-sync-id="%s"]' % target["sync"])
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", label)
    label.click()
    after = _tab_state(driver)
    now = [tab for tab in after if tab["shown"]]
    report.check(len(now) == 1 and now[0]["sync"] == target["sync"] and now[0]["panel"] != shown[0]["panel"],
                 "%s: clicking tab %s shows its panel instead" % (TAB_PAGE, target["text"]),
                 str([(t["text"], t["checked"], t["shown"]) for t in after]))
    driver.save_screenshot(str(_screenshot_dir / ("tabs-%s-desktop.png" % target["sync"])))
    _load(driver, base + OTHER_TAB_PAGE)
    other = _tab_state(driver)
    chosen = [tab["sync"] for tab in other if tab["checked"]]
    report.check(chosen == [target["sync"]], "%s: tab %s is still selected on %s" % (TAB_PAGE, target["text"],
                                                                                    OTHER_TAB_PAGE),
                 "selected there: %s" % chosen)
    # leave the default for the screenshots
    driver.execute_script("window.localStorage.clear();")


def check_reading_aids(driver, base: str, report: Report) -> None:
    """Previous/next links, copy buttons on code cells, and the light/dark switch of a chapter."""
    _viewport(driver, "desktop")
    _load(driver, base + TAB_PAGE)
    title = driver.title
    for selector, word in (("a.right-next", "next"), ("a.left-prev", "previous")):
        links = driver.find_elements("css selector", selector)
        if not report.check(bool(links), "%s: has a %s-page link" % (TAB_PAGE, word), "none"):
            continue
        href = links[0].get_attribute("href")
        _load(driver, href)
        report.check(driver.title != title and bool(driver.title), "%s: the %s link opens another page" % (TAB_PAGE, word),
                     "%s -> %r" % (href, driver.title))
        _load(driver, base + TAB_PAGE)
    buttons = driver.find_elements("css selector", "button.copybtn")
    code = driver.find_elements("css selector", "div.highlight pre")
    report.check(bool(buttons) and len(buttons) >= len(code) // 2, "%s: code blocks have copy buttons" % TAB_PAGE,
                 "%d buttons for %d code blocks" % (len(buttons), len(code)))

    def theme():
        return driver.execute_script("return document.documentElement.getAttribute('data-theme');")

    def background():
        return driver.execute_script("return getComputedStyle(document.body).backgroundColor;")

    modes = {}
    for mode in ("dark", "light"):
        driver.find_element("css selector", "button.theme-switch-button").click()
        _wait(lambda: driver.find_elements("css selector", 'button.theme-change-button[data-mode="%s"]' % mode)[0]
              .is_displayed(), 5)
        driver.find_element("css selector", 'button.theme-change-button[data-mode="%s"]' % mode).click()
        _wait(lambda: theme() == mode, 5)
        modes[mode] = (theme(), background())
        if mode == "dark":
            driver.execute_script("document.body.click();")  # close the colour menu
            time.sleep(0.3)
            driver.save_screenshot(str(_screenshot_dir / "chapter-dark-desktop.png"))
    report.check(modes["dark"][0] == "dark" and modes["light"][0] == "light" and modes["dark"][1] != modes["light"][1],
                 "%s: the colour switch turns the page dark and back to light" % TAB_PAGE, str(modes))
    driver.execute_script("window.localStorage.clear();")


def check_search(driver, base: str, report: Report) -> None:
    """What a reader types into the search field finds the page that answers it."""
    from urllib.parse import quote

    for words, page in SEARCHES.items():
        _load(driver, base + "search.html?q=" + quote(words))
        _wait(lambda: "found" in driver.execute_script(  # results appear one by one: wait for the summary
            "var s = document.querySelector('#search-results .search-summary'); return s ? s.textContent : '';"))
        found = driver.find_elements("css selector", "#search-results li")
        pages = sorted({a.get_attribute("href").split("/")[-1].split("?")[0].split("#")[0]
                        for li in found for a in li.find_elements("css selector", "a")}) if found else []
        report.check(page in pages, "search for %r finds %s" % (words, page),
                     "found %s" % (pages[:8] or "nothing"))


# -- Layout at both sizes ---------------------------------------------------------------------------

def check_layout(driver, base: str, site: Path, report: Report) -> None:
    """No page scrolls sideways, and no inline-code token is broken across lines, at each size."""
    pages = [p.relative_to(site).as_posix() for p in site_pages(site)]
    for size in SIZES:
        _viewport(driver, size)
        wide, broken, too_long, widest, tokens, claim_breaks = [], [], [], 0, 0, 0
        for path in pages:
            _load(driver, base + path)
            seen = measure.overflow(driver, SIZES[size][0])
            widest = max(widest, seen["page"])
            if seen["page"] > SIZES[size][0]:
                wide.append("%s %d px (%s)" % (path, seen["page"], "; ".join(seen["culprits"][:2])))
            words = measure.broken_tokens(driver)
            tokens += words["tokens"]
            claim_breaks += words["claimBreaks"]
            broken += ["%s: %s" % (path, w) for w in words["broken"]]
            too_long += ["%s: %s" % (path, w) for w in words["tooLong"]]
        width = SIZES[size][0]
        report.check(not wide, "%s: none of %d pages scrolls sideways (widest %d px for %d)" % (
            size, len(pages), widest, width), "%d do: %s" % (len(wide), " | ".join(wide[:6])))
        report.check(not broken, "%s: no inline-code token breaks across lines (%d tokens; %d claim ids of a Claims "
                     "column break at a hyphen, as designed%s)" % (
            size, tokens, claim_breaks, "; %d longer than their line wrap inside: %s" % (len(too_long), ", ".join(too_long[:3]))
            if too_long else ""), "%d do: %s" % (len(broken), " | ".join(broken[:8])))


def check_decision(driver, base: str, report: Report) -> None:
    for size in SIZES:
        _viewport(driver, size)
        _load(driver, base + "decision.html")
        fonts = measure.diagram_fonts(driver)
        smallest = fonts["smallest"] or 0
        report.check(fonts["count"] > 0 and smallest >= MIN_TEXT_PX and not fonts["clipped"],
                     "%s: decision diagrams' text is drawn at %.1f px or more (%d texts)" % (size, smallest,
                                                                                      fonts["count"]),
                     "smallest %.1f px, %d texts, clipped %s" % (smallest, fonts["count"], fonts["clipped"]))
    text = _main_text(driver)
    labels = driver.execute_script("""return Array.from(document.querySelectorAll(
        'main .pycache-branch g.node.pycache-branch text, main .pycache-branch text')).map(function (t) {
        return t.textContent; }).join(' ');""")
    missing = [switch for switch in DECISION_SWITCHES if switch not in labels]
    report.check(not missing, "decision page: a branch for each switch of the rules chapters (%d)" % len(DECISION_SWITCHES),
                 "no branch for %s" % ", ".join(missing))
    lab = [word for word in LAB_WORDS if word in text]
    report.check(not lab, "decision page: in the reader's words (no %s)" % "/".join(LAB_WORDS), "says %s" % lab)


TABLE_PAGES = ("matrix.html", "ledger.html", "switches.html", "index.html")


def check_tables(driver, base: str, report: Report) -> None:
    """Headers shown, first column kept in view when a table scrolls, text of 12 px or more;
    the matrix fits a desktop screen."""
    for size in SIZES:
        _viewport(driver, size)
        for path in TABLE_PAGES:
            _load(driver, base + path)
            driver.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });")
            tables = measure.tables(driver)
            problems = []
            for t in tables:
                where = "table %d (%s)" % (t["index"] + 1, t["classes"] or "plain")
                if not t["cards"] and not t["headShown"]:
                    problems.append(where + ": column headers not shown")
                if t["wide"] and not (t["firstVisible"] and t["headVisible"]):
                    problems.append(where + ": scrolled sideways, the first column or the headers leave the view")
                if path in ("matrix.html", "ledger.html") and (t["smallest"] or 0) < MIN_TEXT_PX:
                    problems.append(where + ": text of %.1f px" % t["smallest"])
                if path == "matrix.html" and size == "desktop" and t["wide"]:
                    problems.append(where + ": %d px wide for %d px" % (t["width"], t["room"]))
            scrolling = sum(1 for t in tables if t["wide"])
            report.check(bool(tables) and not problems, "%s: %s: %d tables readable (%d scroll inside their box)" % (
                size, path, len(tables), scrolling), "; ".join(problems[:6]) or "no table")


def check_claim_anchor(driver, base: str, report: Report) -> None:
    """A claim link opens the claim's page scrolled to the claim, at both sizes."""
    for size in SIZES:
        _viewport(driver, size)
        for page in ("ledger.html", "matrix.html", "security.html"):
            _load(driver, base + page)
            links = driver.find_elements("css selector", "main a.pycache-claim")
            if not report.check(bool(links), "%s: %s has claim links" % (size, page), "none"):
                continue
            href = links[-1].get_attribute("href")
            _load(driver, href)
            time.sleep(0.3)
            seen = measure.anchor_reached(driver)
            ok = seen["found"] and 0 <= seen["top"] < seen["height"] and seen["id"].startswith("claim-")
            report.check(ok, "%s: a claim link of %s scrolls to #%s" % (size, page, seen["id"]), str(seen))


def check_weight(driver, base: str, report: Report) -> None:
    for size in SIZES:
        _viewport(driver, size)
        for path in ("index.html", TAB_PAGE):
            total, largest = measure.first_visit_bytes(driver, base + path, _load)
            what = "%s: first visit to %s transfers %.0f KiB" % (size, path, total / 1024)
            if path == "index.html":
                report.check(total < MAX_FIRST_VISIT, what + " (under 1 MiB)", "largest: %s" % ", ".join(
                    "%s %.0f KiB" % (name.split("/")[-1].split("?")[0], b / 1024) for b, name in largest))
            else:
                report.passed.append(what + " (measured)")


def check_front_page(driver, base: str, report: Report) -> None:
    """The front page answers by symptom first: each question, one sentence, at least one link."""
    for size in SIZES:
        _viewport(driver, size)
        _load(driver, base + "index.html")
        answers = driver.execute_script("""
            var box = document.querySelector('main .symptoms'); if (!box) return null;
            return Array.from(box.querySelectorAll('dt')).map(function (dt) {
                var dd = dt.nextElementSibling;
                return {q: dt.textContent.trim(), links: dd ? dd.querySelectorAll('a').length : 0,
                        top: Math.round(dt.getBoundingClientRect().top + window.scrollY)}; });""")
        answers = answers or []
        rules = driver.execute_script(
            "var r = document.querySelector('main .rules'); return r ? r.getBoundingClientRect().top + window.scrollY : 1e9;")
        ok = len(answers) >= SYMPTOMS and all(a["links"] for a in answers) and all(a["top"] < rules for a in answers)
        report.check(ok, "%s: the front page opens with %d symptoms, each answered with links" % (size, len(answers)),
                     str([(a["q"][:30], a["links"]) for a in answers]))


_screenshot_dir = Path(".")


def take_screenshots(driver, base: str, directory: Path, report: Report) -> list[Path]:
    saved = []
    for size in SIZES:
        _viewport(driver, size)
        for name, path in PAGES.items():
            _load(driver, base + path)
            if name == "search":
                _wait(lambda: driver.find_elements("css selector", "#search-results li"))
            time.sleep(0.3)  # fonts and the theme's layout settle
            out = directory / ("%s-%s.png" % (name, size))
            driver.save_screenshot(str(out))
            saved.append(out)
        # the version tabs of the chapter, scrolled into view
        _load(driver, base + TAB_PAGE)
        tabs = driver.find_elements("css selector", ".sd-tab-set")
        if tabs:
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -80);", tabs[0])
            time.sleep(0.3)
            out = directory / ("chapter-tabs-%s.png" % size)
            driver.save_screenshot(str(out))
            saved.append(out)
    report.check(all(p.is_file() and p.stat().st_size > 0 for p in saved),
                 "%d screenshots saved in %s" % (len(saved), directory))
    return saved


class BrowserDidNotStart(RuntimeError):
    pass


def run_browser_checks(site: Path, screenshots: Path, chromium: str, chromedriver: str, report: Report) -> None:
    global _screenshot_dir
    screenshots.mkdir(parents=True, exist_ok=True)
    _screenshot_dir = screenshots
    minors = minor_versions(published_claims(site))
    server, base = serve(site)
    try:
        with tempfile.TemporaryDirectory(prefix="browser-check-") as profile:
            try:
                driver = start_browser(chromium, chromedriver, profile)
            except Exception as error:
                first_line = (str(error).strip().splitlines() or [""])[0]
                raise BrowserDidNotStart("%s: %s" % (type(error).__name__, first_line)) from error
            try:
                for check in (check_pages, lambda d, b, r: check_tabs(d, b, r, minors), check_reading_aids,
                              check_search, lambda d, b, r: check_layout(d, b, site, r), check_decision,
                              check_tables, check_claim_anchor, check_front_page, check_weight):
                    try:
                        check(driver, base, report)
                    except Exception as error:  # one check crashing must not hide the others
                        first_line = (str(error).strip().splitlines() or [""])[0]
                        report.failed.append("%s stopped: %s: %s" % (getattr(check, "__name__", "a check"),
                                                                     type(error).__name__, first_line))
                take_screenshots(driver, base, screenshots, report)
            except Exception as error:  # a crash of the browser or the driver mid-way is a failure
                first_line = (str(error).strip().splitlines() or [""])[0]
                report.failed.append("the browser check stopped: %s: %s" % (type(error).__name__, first_line))
            finally:
                driver.quit()
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build directory (default build/)")
    parser.add_argument("--no-build", action="store_true", help="reuse <build>/html instead of building")
    parser.add_argument("--screenshots", type=Path, help="default: <build>/screenshots")
    parser.add_argument("--links-only", action="store_true", help="check internal links only, no browser")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args(argv)
    site = args.build / "html"

    if not args.no_build:
        sys.path.insert(0, str(ROOT / "scripts"))
        import build_book

        status = build_book.main(["--build", str(args.build)])
        if status:
            print("the strict build failed (exit status %d); nothing to check" % status)
            return 1
    if not (site / "index.html").is_file():
        print("no built site at %s (build it, or drop --no-build)" % site)
        return 2

    report = Report()
    problems = check_links(site)
    pages = len(site_pages(site))
    report.check(not problems, "internal links of %d pages resolve" % pages,
                 "%d broken:\n    %s" % (len(problems), "\n    ".join(problems[:50])))
    check_site_files(site, report)
    if not args.links_only:
        try:
            run_browser_checks(site, args.screenshots or args.build / "screenshots", args.chromium,
                               args.chromedriver, report)
        except BrowserDidNotStart as error:
            print("could not start %s through %s: %s" % (args.chromium, args.chromedriver, error))
            return 2

    for line in report.passed:
        print("ok    " + line)
    for line in report.skipped:
        print("skip  " + line)
    for line in report.failed:
        print("FAIL  " + line)
    print("%d passed, %d failed, %d skipped" % (len(report.passed), len(report.failed), len(report.skipped)))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
