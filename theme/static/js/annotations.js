// Annotations in the report: a popover for each marked term (a bottom sheet on
// phones), thread notes beside their paragraph on wide screens, and a flash on
// the quoted passage a cross-reference leads to.
//
// Without this script a term is a plain link to its page and a note is an
// expandable <details> after its paragraph. The popover lives outside the
// report blocks (appended to <body>), so the report text is never touched.
// Term data comes from terms-data.js (window.TERMS), loaded with <script src>
// (so the page works from file://) the first time a reader points at, focuses
// or taps a term: most visits never pay for it. No inline styles: positions are set through
// the CSSOM, which the CSP allows.
(function () {
  "use strict";

  // the interface's words (theme/labels.yml, handed over by base.html)
  var UI = (function () {
    var meta = document.querySelector('meta[name="ui-labels"]');
    try { return meta ? JSON.parse(meta.getAttribute("content")) : {}; } catch (error) { return {}; }
  })();

  // A hand-typed or cut-off link can hold a malformed %-escape (#%E0%A4%A):
  // decodeURIComponent throws URIError on it and would stop this script part-way.
  // Such a fragment names no element anyway: keep the raw text. (URLSearchParams
  // never throws: it turns a bad escape into U+FFFD.)
  function decodeSafely(text) {
    try { return decodeURIComponent(text); } catch (error) { return text; }
  }

  var report = document.querySelector(".report");
  if (!report) return;
  var TERMS = window.TERMS || null;
  var termsSrc = report.getAttribute("data-terms-src");
  var waiting = [];

  // Run `then(ok)` once the term data is in (loading it the first time).
  function withTerms(then) {
    if (TERMS) { then(true); return; }
    waiting.push(then);
    if (waiting.length > 1 || !termsSrc) { if (!termsSrc) flush(false); return; }
    var script = document.createElement("script");
    script.src = termsSrc;
    script.onload = function () { TERMS = window.TERMS || {}; flush(true); };
    script.onerror = function () { flush(false); };
    document.head.appendChild(script);
  }
  function flush(ok) {
    var queue = waiting;
    waiting = [];
    queue.forEach(function (then) { then(ok); });
  }
  // A reader who starts to use the keyboard or the mouse, or touches the page,
  // may reach a term next: fetch the data then, so a term's gloss is ready when
  // it gets focus. A page that is only loaded (or printed) never fetches it.
  ["keydown", "pointermove", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function preload() {
      document.removeEventListener(type, preload, true);
      withTerms(function () {});
    }, { capture: true, passive: true });
  });
  var sheetMedia = window.matchMedia("(max-width: 40rem)");
  var marginMedia = window.matchMedia("(min-width: 80rem)");
  var HOVER_OPEN_MS = 150;
  var HOVER_CLOSE_MS = 350;
  var FLASH_MS = 2500;

  // ---- Building the popover ---------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // The definition is Markdown rendered at build time with raw HTML off; we
  // still rebuild it from a short list of tags so nothing else can get in.
  var ALLOWED = { P: 1, EM: 1, STRONG: 1, CODE: 1, UL: 1, OL: 1, LI: 1, BR: 1, A: 1 };
  function safeFragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html || "";
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      Array.prototype.forEach.call(from.childNodes, function (node) {
        if (node.nodeType === 3) { to.appendChild(document.createTextNode(node.nodeValue)); return; }
        if (node.nodeType !== 1) return;
        if (!ALLOWED[node.tagName]) { copy(node, to); return; }
        var clean = document.createElement(node.tagName.toLowerCase());
        var href = node.tagName === "A" ? node.getAttribute("href") || "" : "";
        if (/^https?:\/\//i.test(href)) {
          clean.setAttribute("href", href);
          clean.setAttribute("rel", "noopener noreferrer");
        }
        copy(node, clean);
        to.appendChild(clean);
      });
    })(template.content, out);
    return out;
  }

  // Each term gets `aria-describedby` pointing here (only now that the element
  // exists): the focused term's one-line gloss, read out with the link.
  var description = el("div");
  description.id = "term-popover";
  description.hidden = true;
  report.querySelectorAll("a.term[data-term]").forEach(function (term) {
    term.setAttribute("aria-describedby", "term-popover");
  });

  var popover = el("div", "term-popover");
  popover.id = "term-dialog";
  popover.setAttribute("role", "dialog");
  popover.setAttribute("aria-modal", "false");
  popover.setAttribute("aria-labelledby", "term-dialog-title");
  popover.setAttribute("aria-describedby", "term-dialog-definition");
  popover.tabIndex = -1;
  popover.hidden = true;
  var closeButton = el("button", "popover-close", "×");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", UI.close || "×");
  var title = el("p", "popover-title");
  title.id = "term-dialog-title";
  var gloss = el("p", "popover-gloss");
  var basis = el("p", "popover-basis");  // 「含义未见公开说明，以下据报告原文」 (basis: report)
  var definition = el("div", "popover-definition");
  definition.id = "term-dialog-definition";
  var more = el("a", "popover-more", UI.popover_more || "→");
  popover.append(closeButton, title, gloss, basis, definition, more);
  document.body.append(description, popover);

  var current = null;   // the term link the popover shows
  var pinned = false;   // opened by click, tap or Enter (not just hover)
  var openTimer = 0;
  var closeTimer = 0;

  function termOf(link) {
    return link && TERMS && TERMS[link.getAttribute("data-term")];
  }

  function describe(link) {
    var term = termOf(link);
    description.textContent = term ? term.short : "";
  }

  function fill(link) {
    var term = termOf(link);
    title.textContent = term.term;
    gloss.textContent = "";
    if (term.pinyin) {
      var pinyin = el("span", "pinyin", term.pinyin);
      pinyin.lang = "zh-Latn-pinyin";
      gloss.append(pinyin);
    }
    if (term.english) {
      var english = el("span", "english", term.english);
      english.lang = "en";
      gloss.append(english);
    }
    gloss.hidden = !term.pinyin && !term.english;
    basis.textContent = term.basis_note || "";
    basis.hidden = !term.basis_note;
    definition.textContent = "";
    definition.append(safeFragment(term.definition_html));
    if (!definition.textContent.trim()) definition.textContent = term.short;
    more.href = link.getAttribute("href");
  }

  // ---- Placing it ---------------------------------------------------------

  function lineRect(link, x, y) {
    // A term may wrap over two lines: use the line the pointer is on.
    var rects = link.getClientRects();
    for (var i = 0; i < rects.length; i++) {
      var r = rects[i];
      if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return r;
    }
    return rects[0] || link.getBoundingClientRect();
  }

  function topObstruction() {
    // What covers the top of the viewport: the sticky header and, on phones,
    // the sticky table-of-contents bar below it.
    var bottom = 0;
    document.querySelectorAll(".site-header, .toc").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.top <= bottom + 1 && r.bottom > bottom && r.height < window.innerHeight / 2) bottom = r.bottom;
    });
    return bottom;
  }

  function placeBeside(link, x, y) {
    popover.classList.remove("is-sheet");
    document.body.classList.remove("has-sheet");
    var r = lineRect(link, x, y);
    var width = popover.offsetWidth, height = popover.offsetHeight;
    var gap = 8;
    var below = r.bottom + gap;
    var top = below + height <= window.innerHeight || r.top - gap - height < topObstruction()
      ? below : r.top - gap - height;
    var maxLeft = document.documentElement.clientWidth - width - gap;
    var left = Math.max(gap, Math.min(r.left, maxLeft));
    popover.style.top = (top + window.scrollY) + "px";
    popover.style.left = (left + window.scrollX) + "px";
  }

  function placeSheet(link) {
    popover.classList.add("is-sheet");
    popover.style.top = "";
    popover.style.left = "";
    var height = popover.offsetHeight;
    document.body.style.setProperty("--sheet-height", height + "px");
    document.body.classList.add("has-sheet");
    // Keep the sentence being read visible above the sheet.
    var r = link.getBoundingClientRect();
    var lineHeight = parseFloat(getComputedStyle(link).lineHeight) || 30;
    var floor = window.innerHeight - height - lineHeight;  // lowest the term may sit
    var ceiling = topObstruction() + lineHeight;            // highest, leaving a line of context
    if (r.bottom > floor || r.top < ceiling) {
      var target = Math.max(ceiling, Math.min(floor - r.height, ceiling + 2 * lineHeight));
      window.scrollBy(0, r.top - target);
    }
  }

  // ---- Opening and closing -----------------------------------------------

  function open(link, how, x, y) {
    if (!termOf(link)) return false;
    clearTimeout(closeTimer);
    if (current && current !== link) current.setAttribute("aria-expanded", "false");
    current = link;
    pinned = how !== "hover";
    fill(link);
    popover.hidden = false;
    link.setAttribute("aria-expanded", "true");
    if (sheetMedia.matches) placeSheet(link); else placeBeside(link, x, y);
    if (pinned) popover.focus({ preventScroll: true });
    return true;
  }

  function close(returnFocus) {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (popover.hidden) return;
    var link = current;
    popover.hidden = true;
    pinned = false;
    current = null;
    document.body.classList.remove("has-sheet");
    if (link) {
      link.setAttribute("aria-expanded", "false");
      if (returnFocus) link.focus({ preventScroll: true });
    }
  }

  function termLink(target) {
    return target && target.closest ? target.closest("a.term[data-term]") : null;
  }

  report.querySelectorAll("a.term[data-term]").forEach(function (link) {
    link.setAttribute("aria-haspopup", "dialog");
    link.setAttribute("aria-expanded", "false");
    link.setAttribute("aria-controls", "term-dialog");
  });

  report.addEventListener("focusin", function (event) {
    var link = termLink(event.target);
    if (link) withTerms(function () { describe(link); });
  });

  // Click covers a mouse click, a tap, and Enter on the focused link.
  report.addEventListener("click", function (event) {
    var link = termLink(event.target);
    if (!link) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    if (current === link && pinned) { close(false); return; }
    var x = event.clientX, y = event.clientY;
    withTerms(function (ok) {
      // no data (or no entry): behave as the plain link it is
      if (!ok || !open(link, "pin", x, y)) window.location.href = link.href;
    });
  });

  // Hover: open after a short pause; stay open while the pointer is over the
  // term or the popover (WCAG 1.4.13), close a moment after it leaves both.
  report.addEventListener("pointerover", function (event) {
    if (event.pointerType !== "mouse") return;
    var link = termLink(event.target);
    if (!link) return;
    clearTimeout(closeTimer);
    if (current === link && !popover.hidden) return;
    if (pinned) return;
    clearTimeout(openTimer);
    var x = event.clientX, y = event.clientY;
    withTerms(function () {});  // start loading while the pause runs
    openTimer = setTimeout(function () {
      withTerms(function () { open(link, "hover", x, y); });
    }, HOVER_OPEN_MS);
  });
  function leave(event) {
    if (event.pointerType !== "mouse") return;
    clearTimeout(openTimer);
    if (pinned || popover.hidden) return;
    var to = event.relatedTarget;
    if (to && (popover.contains(to) || (current && current.contains(to)))) return;
    closeTimer = setTimeout(function () { close(false); }, HOVER_CLOSE_MS);
  }
  report.addEventListener("pointerout", function (event) {
    if (termLink(event.target)) leave(event);
  });
  popover.addEventListener("pointerout", leave);
  popover.addEventListener("pointerover", function () { clearTimeout(closeTimer); });

  closeButton.addEventListener("click", function () { close(true); });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !popover.hidden) {
      var inside = popover.contains(document.activeElement) || document.activeElement === current;
      close(inside);
    }
  });

  // Tab out of the popover continues from the term, as if the popover sat
  // right after it in the text.
  popover.addEventListener("keydown", function (event) {
    if (event.key !== "Tab" || !current) return;
    var focusables = [closeButton].concat(Array.prototype.slice.call(popover.querySelectorAll("a[href]")));
    var first = focusables[0], last = focusables[focusables.length - 1];
    var active = document.activeElement;
    if (event.shiftKey && (active === first || active === popover)) {
      event.preventDefault();
      close(true);
    } else if (!event.shiftKey && active === last) {
      current.focus({ preventScroll: true });  // the default action then moves past the term
      close(false);
    }
  });

  // Tap or click anywhere else closes it.
  document.addEventListener("pointerdown", function (event) {
    if (popover.hidden || popover.contains(event.target)) return;
    if (current && current.contains(event.target)) return;
    close(false);
  });

  popover.addEventListener("focusout", function (event) {
    var to = event.relatedTarget;
    if (!to || popover.contains(to) || to === current) return;
    close(false);
  });

  window.addEventListener("resize", function () {
    if (popover.hidden || !current) return;
    if (sheetMedia.matches) placeSheet(current);
    else { var r = current.getBoundingClientRect(); placeBeside(current, r.left, r.top); }
  });

  // ---- Thread notes in the margin ------------------------------------------

  var notes = Array.prototype.slice.call(report.querySelectorAll("div.xrefs"));

  var layoutQueued = false;

  function layoutNotes() {
    layoutQueued = false;
    if (!marginMedia.matches) {
      notes.forEach(function (note) { note.style.top = ""; });
      return;
    }
    var origin = report.getBoundingClientRect().top;
    var floor = 0;
    notes.forEach(function (note) {
      var paragraph = note.previousElementSibling;
      var wanted = paragraph ? paragraph.getBoundingClientRect().top - origin : floor;
      var top = Math.max(wanted, floor);
      note.style.top = top + "px";
      floor = top + note.offsetHeight + 12;
    });
  }
  function queueLayout() {
    if (!layoutQueued) { layoutQueued = true; requestAnimationFrame(layoutNotes); }
  }
  if (notes.length) {
    layoutNotes();
    window.addEventListener("resize", queueLayout);
    marginMedia.addEventListener("change", queueLayout);
    document.addEventListener("toggle", queueLayout, true);  // a note opened or closed
    if (window.ResizeObserver) new ResizeObserver(queueLayout).observe(report);
  }

  // ---- Arriving at a quoted passage ----------------------------------------

  // Land below the sticky header (and the phone's table-of-contents bar),
  // whose height depends on the screen: scroll-padding follows it.
  function syncScrollPadding() {
    document.documentElement.style.scrollPaddingTop = (topObstruction() + 8) + "px";
  }
  syncScrollPadding();
  window.addEventListener("resize", syncScrollPadding);

  function arrive() {
    var id = decodeSafely(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !target.classList.contains("anchor")) return;
    // An anchor cut at formatting edges has several pieces; flash them all.
    var selector = "span.anchor[data-thread='" + target.getAttribute("data-thread") + "'][data-anchor='" +
      target.getAttribute("data-anchor") + "']";
    var pieces = report.querySelectorAll(selector);
    pieces.forEach(function (piece) {
      piece.classList.remove("is-arrived");
      void piece.offsetWidth;  // restart the animation on a second arrival
      piece.classList.add("is-arrived");
    });
    setTimeout(function () {
      pieces.forEach(function (piece) { piece.classList.remove("is-arrived"); });
    }, FLASH_MS);
  }
  window.addEventListener("hashchange", arrive);
  arrive();
})();
