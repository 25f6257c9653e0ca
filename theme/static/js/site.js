// Site behaviour shared by every page: "/" focuses search, permalinks copy
// their URL, the table of contents follows the reader. No inline scripts: the
// CSP forbids them.
(function () {
  "use strict";

  // the interface's words (theme/labels.yml, handed over by base.html)
  var UI = readLabels();
  function readLabels() {
    var meta = document.querySelector('meta[name="ui-labels"]');
    try { return meta ? JSON.parse(meta.getAttribute("content")) : {}; } catch (error) { return {}; }
  }

  // Old links to a report block at the site root (index.html#p1-s2-3, from
  // when the site held one report) go on to the report that lived there: the
  // home page names it in data-forward (report.yml: aliases).
  var home = document.querySelector("[data-forward]");
  if (home && location.hash.length > 1) {
    var id = location.hash.slice(1);
    try { id = decodeURIComponent(id); } catch (error) { /* a malformed %: keep the raw text */ }
    if (!document.getElementById(id)) {
      location.replace(home.getAttribute("data-forward") + location.search + location.hash);
      return;
    }
  }

  function toast(message) {
    var el = document.createElement("div");
    el.className = "toast";
    el.setAttribute("role", "status");
    el.textContent = message;
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, 1800);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var input = document.getElementById("site-search-input");
    if (input) { event.preventDefault(); input.focus(); }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.permalink");
    if (!link) return;
    var url = location.href.split("#")[0] + link.getAttribute("href");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { toast(UI.link_copied || "✓"); }, function () {});
    }
  });

  var details = document.getElementById("toc-details");
  if (!details) return;
  var wide = window.matchMedia("(min-width: 64rem)");
  function syncOpen() { if (wide.matches) details.open = true; }
  syncOpen();
  wide.addEventListener("change", syncOpen);
  details.addEventListener("click", function (event) {
    if (!wide.matches && event.target.closest("a")) details.open = false;
  });

  var header = document.querySelector(".site-header");
  function syncHeader() {
    if (header) document.documentElement.style.setProperty("--header-height", header.offsetHeight + "px");
  }
  syncHeader();
  window.addEventListener("resize", syncHeader);

  // Current section: the last heading above the top third of the viewport.
  var links = Array.prototype.slice.call(details.querySelectorAll("a[href^='#']"));
  var headings = links.map(function (a) { return document.getElementById(a.getAttribute("href").slice(1)); });
  var label = details.querySelector(".toc-current");
  var ticking = false;
  function update() {
    ticking = false;
    var line = window.innerHeight / 3, current = -1;
    for (var i = 0; i < headings.length; i++) {
      if (headings[i] && headings[i].getBoundingClientRect().top <= line) current = i;
    }
    links.forEach(function (a, i) {
      if (i === current) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
    if (label) label.textContent = current >= 0 ? links[current].textContent : "";
  }
  window.addEventListener("scroll", function () {
    if (!ticking) { ticking = true; requestAnimationFrame(update); }
  }, { passive: true });
  update();
})();
