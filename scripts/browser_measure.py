"""What the browser check measures on a loaded page, as small JavaScript probes run through Selenium.

Each function takes a WebDriver on a loaded page and returns plain data (numbers, short
descriptions of the culprits); ``browser_check`` decides what passes. Nothing here knows how many
interpreters the build had: tables and diagrams are measured as they are.
"""
from __future__ import annotations

import time

OVERFLOW = """
// width: the screen's; with mobile emulation innerWidth grows with an overflowing page
var view = arguments[0] || window.innerWidth, page = document.documentElement.scrollWidth;
function clipped(el) {  // inside a box that scrolls or clips sideways: not the page's overflow
  for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(p).overflowX)) return true;
  }
  return false;
}
var culprits = [];
document.querySelectorAll('.bd-article *, .bd-footer-content *, .bd-footer-article *').forEach(function (el) {
  var r = el.getBoundingClientRect();
  if (!r.width || r.right <= view + 1 || clipped(el)) return;
  // the innermost box that sticks out: it scrolls its own content, or none of its children sticks out
  var scrolls = /(auto|scroll|hidden|clip)/.test(getComputedStyle(el).overflowX);
  var child = Array.from(el.children).some(function (c) { return c.getBoundingClientRect().right > view + 1; });
  if ((scrolls || !child) && culprits.length < 5)
    culprits.push(el.tagName.toLowerCase() + '.' + (el.className || '') + ' ' + Math.round(r.right) + 'px: '
                  + (el.textContent || '').trim().slice(0, 60));
});
return {view: view, page: page, culprits: culprits};
"""

BROKEN_TOKENS = """
// Inline code is split by Sphinx into one span.pre per token: a token drawn on two lines is broken,
// unless the token alone is wider than the line it sits in (a long dotted name on a phone).
// A claim id linked in a table's "Claims" column (a.pycache-claim) is an identifier to follow, not a
// command to type: it may break right after one of its hyphens, by design (book.css), and nowhere else.
var broken = [], tooLong = [], claimBreaks = [], count = 0;
function inClaimsColumn(t) {
  var link = t.closest('a.pycache-claim'), cell = t.closest('td');
  if (!link || !cell || !cell.closest('table') || !cell.closest('table').tHead) return false;
  var head = cell.closest('table').tHead.rows[0], th = head && head.cells[cell.cellIndex];
  return !!th && th.textContent.trim() === 'Claims';
}
function breaksAtHyphens(t) {  // every new line starts right after a '-'
  var node = t.firstChild; if (!node || node.nodeType !== 3 || t.childNodes.length !== 1) return false;
  var range = document.createRange(), text = node.data, top = null;
  for (var i = 0; i < text.length; i++) {
    range.setStart(node, i); range.setEnd(node, i + 1);
    var rects = range.getClientRects(); if (!rects.length) continue;
    var y = Math.round(rects[rects.length - 1].top);
    if (top !== null && y > top + 1 && (i === 0 || text[i - 1] !== '-')) return false;
    top = y;
  }
  return true;
}
document.querySelectorAll('main code.literal').forEach(function (code) {
  if (code.closest('pre')) return;
  var tokens = code.querySelectorAll('span.pre');
  (tokens.length ? Array.from(tokens) : [code]).forEach(function (t) {
    count += 1;
    var lines = new Set(Array.from(t.getClientRects()).map(function (r) { return Math.round(r.top); }));
    if (lines.size < 2) return;
    if (inClaimsColumn(t) && breaksAtHyphens(t)) { claimBreaks.push(t.textContent); return; }
    // the token's own width on one line, with its code box's padding when it is the code's only token
    var probe = (tokens.length === 1 ? code : t).cloneNode(true);
    probe.style.cssText = 'display:inline-block;white-space:nowrap;max-width:none;position:absolute;visibility:hidden';
    probe.querySelectorAll('*').forEach(function (e) { e.style.whiteSpace = 'nowrap'; e.style.display = 'inline'; });
    code.parentNode.appendChild(probe);
    var natural = probe.getBoundingClientRect().width;
    probe.remove();
    var block = t.closest('p, li, dd, dt, td, th, h1, h2, h3, h4, h5, h6, div');
    var room = block ? block.clientWidth : window.innerWidth;
    (natural > room ? tooLong : broken).push(t.textContent);
  });
});
return {tokens: count, broken: broken.slice(0, 8), tooLong: tooLong.slice(0, 8), brokenCount: broken.length,
        claimBreaks: claimBreaks.length};
"""

DIAGRAM_FONTS = """
// Every text of every diagram (inline SVG, or an <object>/<img> SVG): its size as drawn, in CSS px.
var sizes = [], clipped = [];
function measure(svg, outer) {
  svg.querySelectorAll('text').forEach(function (t) {
    var m = t.getScreenCTM(); if (!m) return;
    var scale = Math.sqrt(m.a * m.a + m.b * m.b) * outer;
    sizes.push(parseFloat(getComputedStyle(t).fontSize) * scale);
  });
}
document.querySelectorAll('main .graphviz, main .pycache-decision').forEach(function (box) {
  box.querySelectorAll('svg').forEach(function (svg) {
    if (svg.closest('.pycache-decision') && box.classList.contains('graphviz')) return;
    measure(svg, 1);
    var r = svg.getBoundingClientRect(), c = box.getBoundingClientRect();
    if (r.right > c.right + 1) clipped.push(Math.round(r.width) + '>' + Math.round(c.width));
  });
  box.querySelectorAll('object').forEach(function (o) {
    var doc = o.contentDocument; if (!doc || !doc.documentElement) return;
    var root = doc.documentElement, own = root.getBoundingClientRect();
    // an <object> draws its document at the object's size: scale from the document to the page
    var outer = own.width ? Math.min(1, o.clientWidth / own.width) : 1;
    measure(root, outer);
  });
});
sizes.sort(function (a, b) { return a - b; });
return {count: sizes.length, smallest: sizes.length ? sizes[0] : null, clipped: clipped};
"""

TABLES = """
// Every table of the page: does it fit, can a reader still see the header and the first column
// after scrolling it sideways, and how small is its text.
var out = [];
document.querySelectorAll('main table').forEach(function (table, index) {
  if (!table.getBoundingClientRect().width) return;  // in a tab or a fold that is closed
  var box = table.parentElement;
  while (box && box !== document.body && !/(auto|scroll)/.test(getComputedStyle(box).overflowX))
    box = box.parentElement;
  if (box === document.body) box = null;
  var cards = getComputedStyle(table).display === 'block';   // laid out as cards on purpose
  var head = Array.from(table.querySelectorAll('thead th'));
  var headShown = head.every(function (th) { return th.getBoundingClientRect().width > 0; });
  var wide = box ? box.scrollWidth > box.clientWidth + 1 : false;
  var firstVisible = true, headVisible = headShown;
  if (wide) {
    box.scrollLeft = box.scrollWidth;
    var b = box.getBoundingClientRect();
    table.querySelectorAll('tr > :first-child').forEach(function (cell) {
      var r = cell.getBoundingClientRect();
      if (r.left < b.left - 1 || r.left > b.right) firstVisible = false;
    });
    var last = head[head.length - 1];
    if (last) { var lr = last.getBoundingClientRect(); headVisible = lr.right <= b.right + 1 && lr.left >= b.left - 1; }
    box.scrollLeft = 0;
  }
  var smallest = null;
  table.querySelectorAll('td, th').forEach(function (cell) {
    if (!cell.textContent.trim()) return;
    var size = parseFloat(getComputedStyle(cell).fontSize);
    cell.querySelectorAll('*').forEach(function (e) { size = Math.min(size, parseFloat(getComputedStyle(e).fontSize)); });
    smallest = smallest === null ? size : Math.min(smallest, size);
  });
  out.push({index: index, classes: table.className, cards: cards, head: head.length, headShown: headShown,
            wide: wide, firstVisible: firstVisible, headVisible: headVisible, smallest: smallest,
            width: Math.round(table.getBoundingClientRect().width),
            room: box ? box.clientWidth : Math.round(table.parentElement.getBoundingClientRect().width)});
});
return out;
"""

ANCHOR_REACHED = """
var id = decodeURIComponent(location.hash.slice(1)), el = document.getElementById(id);
if (!el) return {id: id, found: false};
var r = el.getBoundingClientRect();
return {id: id, found: true, top: r.top, height: window.innerHeight};
"""


def overflow(driver, width: int) -> dict:
    return driver.execute_script(OVERFLOW, width)


def broken_tokens(driver) -> dict:
    return driver.execute_script(BROKEN_TOKENS)


def diagram_fonts(driver) -> dict:
    return driver.execute_script(DIAGRAM_FONTS)


def tables(driver) -> list[dict]:
    return driver.execute_script(TABLES)


def anchor_reached(driver) -> dict:
    return driver.execute_script(ANCHOR_REACHED)


def first_visit_bytes(driver, url: str, load) -> tuple[int, list[tuple[int, str]]]:
    """Bytes a first visit to ``url`` transfers (empty cache): total, and the five largest resources.

    Counted from Resource Timing after the page and its late requests (fonts, diagrams) settle.
    """
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        load(driver, url)
        time.sleep(1.0)
        entries = driver.execute_script("""
            var nav = performance.getEntriesByType('navigation')[0];
            return [[nav.transferSize, nav.name]].concat(performance.getEntriesByType('resource').map(
                function (e) { return [e.transferSize || e.encodedBodySize, e.name]; }));""")
    finally:
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    entries = [(int(size), name) for size, name in entries]
    return sum(size for size, _ in entries), sorted(entries, reverse=True)[:5]
