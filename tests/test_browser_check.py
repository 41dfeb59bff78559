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
