"""The browser check's link checker, on a tiny site (no browser needed)."""
from __future__ import annotations

import urllib.request

import browser_check


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_links_to_files_and_anchors_that_exist_pass(tmp_path):
    write(tmp_path / "index.html", '<a href="part/page.html#sec">x</a> <a href="#top">top</a> <p id="top"></p>'
                                   '<link href="_static/a.css"><img src="_static/i.svg"> <a href="part/">dir</a>'
                                   '<a href="https://example.org/nowhere.html">out</a> <a href="mailto:a@b">m</a>'
                                   '<a href="search.html?q=x">search</a>')
    write(tmp_path / "search.html", "")
    write(tmp_path / "part" / "page.html", '<section id="sec"><a href="../index.html#top">back</a></section>')
    write(tmp_path / "part" / "index.html", '<a href="page.html">page</a>')
    write(tmp_path / "_static" / "a.css", "")
    write(tmp_path / "_static" / "i.svg", "")
    write(tmp_path / "_static" / "fragment.html", "<a href=\"{{ pathto('x') }}\">a template, not a page</a>")
    assert browser_check.check_links(tmp_path) == []


def test_missing_files_anchors_and_escapes_are_reported(tmp_path):
    write(tmp_path / "index.html", '<a href="gone.html">a</a> <a href="page.html#nope">b</a> '
                                   '<a href="#also-nope">c</a> <a href="../outside.html">d</a>')
    write(tmp_path / "page.html", '<p id="yes"></p>')
    write(tmp_path.parent / "outside.html", "")
    problems = browser_check.check_links(tmp_path)
    assert problems == [
        "index.html: gone.html (no such file)",
        "index.html: page.html#nope (no element with id 'nope')",
        "index.html: #also-nope (no element with id 'also-nope')",
        "index.html: ../outside.html (leaves the site)",
    ]


def test_the_site_is_served_from_a_thread_on_a_free_port(tmp_path):
    write(tmp_path / "index.html", "<title>t</title>")
    server, base = browser_check.serve(tmp_path)
    try:
        with urllib.request.urlopen(base + "index.html", timeout=10) as answer:
            assert answer.read() == b"<title>t</title>"
    finally:
        server.shutdown()
        server.server_close()


def test_raw_myst_is_recognised():
    assert browser_check._raw_myst("a ::: b {code-cell} c") == [":::", "{code-cell}"]
    assert browser_check._raw_myst("plain text with `code`") == []


def site_with_claims(tmp_path, page_html: dict, versions=("2.7.18", "3.12.1"), built=None):
    claims = {"interpreters": [{"version": v, "path": "/x/%s" % v} for v in built or versions],
              "claims": [{"id": "a-claim", "page": "chapter", "statement": "s", "results": {}}]}
    write(tmp_path / "claims.json", __import__("json").dumps(claims))
    footer = ('<footer class="bd-footer-content"><p>Evidence built from CPython %s: '
              '<a href="claims.json">claims.json</a> <a href="https://github.com/o/r">source</a></p></footer>'
              % ", ".join(versions))
    for name, body in page_html.items():
        write(tmp_path / name, '<head><meta name="description" content="d"><title>t</title></head>'
                               "<main>%s</main>%s" % (body, footer))


def test_claim_references_must_land_on_the_claim(tmp_path):
    site_with_claims(tmp_path, {
        "chapter.html": '<p id="claim-a-claim"></p><a class="pycache-claim" href="#claim-a-claim">x</a>',
        "security.html": '<table><tr><td><code>a-claim</code></td></tr></table>',
        "ledger.html": '<table class="pycache-ledger"><tbody><tr><td>'
                       '<a class="pycache-claim" href="chapter.html">a-claim</a></td></tr></tbody></table>',
    })
    report = browser_check.Report()
    browser_check.check_site_files(tmp_path, report, repository="github.com/o/r")
    failed = "\n".join(report.failed)
    assert "ledger.html: a-claim -> chapter.html" in failed  # a link to the page's top
    assert "security.html: a-claim -> None" in failed  # a claim id that is not a link
    assert "footer" not in failed and "meta description" not in failed


def test_the_footer_must_name_every_interpreter_of_the_build(tmp_path):
    site_with_claims(tmp_path, {"index.html": "<p>front</p>"}, versions=("3.12.1",), built=("3.12.1", "3.13.0"))
    report = browser_check.Report()
    browser_check.check_site_files(tmp_path, report, repository="github.com/o/r")
    assert any("interpreters not named: 3.13.0" in line for line in report.failed), report.failed


def test_a_site_without_claims_json_fails(tmp_path):
    write(tmp_path / "index.html", "<title>t</title>")
    report = browser_check.Report()
    browser_check.check_site_files(tmp_path, report)
    assert report.failed and "claims.json" in report.failed[0]


def test_version_tabs_follow_the_interpreters_of_the_build():
    claims = {"interpreters": [{"version": v} for v in ("2.7.18", "3.11.2", "3.11.7", "3.12.1")]}
    assert browser_check.minor_versions(claims) == ["2.7", "3.11", "3.12"]
    assert browser_check.minor_versions(None) == []


def test_a_build_with_one_minor_version_skips_the_tab_check_aloud():
    report = browser_check.Report()
    browser_check.check_tabs(None, "http://x/", report, ["3.11"])  # no browser needed to decide
    assert len(report.skipped) == 1 and "one minor version (['3.11'])" in report.skipped[0] and not report.failed
