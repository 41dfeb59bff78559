"""Check the built site the way a reader meets it: in a real (headless) browser.

    python scripts/browser_check.py [--no-build] [--build DIR] [--screenshots DIR]

1. Builds the book strictly (``scripts/build_book.py``) into ``--build`` (default ``build/``),
   unless ``--no-build`` reuses the HTML already there.
2. Checks every internal link of every page: each ``href``/``src`` that points into the site names
   a file that exists and, when it has a ``#fragment``, an element with that id (no browser needed).
3. Serves ``<build>/html`` on a free localhost port and drives Debian's Chromium through Selenium
   and chromedriver: the front page, a chapter, the ledger and the search page load without console
   errors and show no raw MyST syntax (and so does the version matrix); a version tab switches the
   visible panel and stays selected on another page; previous/next links, copy buttons and the light/dark switch work; searching
   for ``dont_write_bytecode`` finds pages.
4. Saves screenshots at desktop (1366x900) and phone (390x844) size in ``--screenshots``
   (default ``<build>/screenshots``).

Exit status 0 when everything passed, 1 on any failed check, 2 when the browser could not start.
Selenium comes from ``requirements-browser.txt``; Chromium and chromedriver from Debian
(``apt-get install chromium chromium-driver``). Nothing is downloaded at run time.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]

PAGES = {  # screenshot name: path below the site root
    "front": "index.html",
    "chapter": "switches.html",
    "ledger": "ledger.html",
    "matrix": "matrix.html",
    "search": "search.html?q=dont_write_bytecode",
}
SIZES = {"desktop": (1366, 900, False), "phone": (390, 844, True)}
RAW_MYST = [":::", "{code-cell}", "{claim}", "```{", "{tab-set}", "{tab-item}", "{toctree}", "{option}`",
            "{envvar}`", "{func}`", "{data}`", "{mod}`"]
TAB_PAGE, OTHER_TAB_PAGE = "switches.html", "scripts-and-imports.html"
SEARCH_WORD = "dont_write_bytecode"


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


# -- The browser ----------------------------------------------------------------------------------

@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        (self.passed if ok else self.failed).append(what if ok or not detail else "%s: %s" % (what, detail))
        return ok


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


def check_tabs(driver, base: str, report: Report) -> None:
    _viewport(driver, "desktop")
    _load(driver, base + TAB_PAGE)
    before = _tab_state(driver)
    if not report.check(len(before) >= 2, "%s: has a version tab-set" % TAB_PAGE, "found %d tabs" % len(before)):
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
    _load(driver, base + "search.html?q=" + SEARCH_WORD)
    found = _wait(lambda: driver.find_elements("css selector", "#search-results li"))
    pages = sorted({a.get_attribute("href").split("/")[-1].split("?")[0].split("#")[0]
                    for li in found for a in li.find_elements("css selector", "a")}) if found else []
    report.check(bool(found), "search for %s finds pages" % SEARCH_WORD, "no results")
    if found:
        report.check("switches.html" in pages, "search for %s finds the switches chapter" % SEARCH_WORD,
                     "found %s" % pages)


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
    server, base = serve(site)
    try:
        with tempfile.TemporaryDirectory(prefix="browser-check-") as profile:
            try:
                driver = start_browser(chromium, chromedriver, profile)
            except Exception as error:
                first_line = (str(error).strip().splitlines() or [""])[0]
                raise BrowserDidNotStart("%s: %s" % (type(error).__name__, first_line)) from error
            try:
                check_pages(driver, base, report)
                check_tabs(driver, base, report)
                check_reading_aids(driver, base, report)
                check_search(driver, base, report)
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
    if not args.links_only:
        try:
            run_browser_checks(site, args.screenshots or args.build / "screenshots", args.chromium,
                               args.chromedriver, report)
        except BrowserDidNotStart as error:
            print("could not start %s through %s: %s" % (args.chromium, args.chromedriver, error))
            return 2

    for line in report.passed:
        print("ok    " + line)
    for line in report.failed:
        print("FAIL  " + line)
    print("%d passed, %d failed" % (len(report.passed), len(report.failed)))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
