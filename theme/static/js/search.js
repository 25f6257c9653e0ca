// Search, in the browser: the search page (?q=, ?report=), the search box
// on every page, and the highlight on arrival. search-core.js (loaded just
// before) holds the terms, the split index and queries. On first use the
// manifest is loaded; a query then loads only the index shards of its terms
// and the text chunks of the results it shows. Every file is a <script src>
// (file:// works).
(function () {
  "use strict";

  // A hand-typed or cut-off link can hold a malformed %-escape (#%E0%A4%A):
  // decodeURIComponent throws URIError on it and would stop this script part-way.
  function decodeSafely(text) {
    try { return decodeURIComponent(text); } catch (error) { return text; }
  }

  var core = window.searchCore;
  var fold = core.fold, terms = core.terms, plan = core.plan, query = core.query, querySync = core.querySync;
  var ranges = core.ranges, Store = core.Store;

  // ---- browser ------------------------------------------------------------
  var script = document.currentScript;
  // data-root is relative to the page (Pelican writes relative URLs)
  var root = script.hasAttribute("data-root") ? new URL(script.getAttribute("data-root"), location.href) : new URL("../../", script.src);
  var manifestSrc = script.getAttribute("data-manifest");
  var here = script.getAttribute("data-report") || "";  // the report this page shows, if any
  var L = JSON.parse(script.getAttribute("data-labels") || "{}");
  // examples come from the report's report.yml (search_examples), one a line
  var examples = (script.getAttribute("data-examples") || "").split("\n").filter(Boolean);
  var FIRST = { notes: 3, blocks: 10 };        // the search page's first page
  var DROPDOWN = { notes: 3, blocks: 5 };
  var store = null, listeners = [], loading = null, loadError = null;

  function say(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }

  // A data file: a script that registers itself in window.SEARCH_DATA[key].
  function loadData(key, src) {
    var data = window.SEARCH_DATA || {};
    if (data[key]) return Promise.resolve(data[key]);
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = new URL(src, root).href;
      tag.onload = function () {
        var found = (window.SEARCH_DATA || {})[key];
        if (found) resolve(found); else reject(new Error(say(L.load_error, { src: src })));
      };
      tag.onerror = function () { reject(new Error(say(L.load_error, { src: src }))); };
      document.head.appendChild(tag);
    });
  }

  function load() {
    if (loading) return loading;
    loading = loadData("manifest", manifestSrc).then(function (manifest) {
      store = new Store(manifest, loadData);
      listeners.forEach(function (fn) { fn(); });
      return store;
    }).catch(function (error) {
      loadError = error;
      listeners.forEach(function (fn) { fn(); });
    });
    return loading;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text; // user input and data become text, never HTML
    return node;
  }

  // Text with the needles wrapped in <mark>; a window around the first match.
  function highlighted(tag, className, text, needles, width) {
    var node = el(tag, className), found = ranges(text, needles);
    var start = 0, end = text.length;
    if (width && text.length > width) {
      start = found.length ? Math.max(0, found[0][0] - Math.floor(width / 4)) : 0;
      end = Math.min(text.length, start + width);
      start = Math.max(0, Math.min(start, end - width));
    }
    if (start > 0) node.appendChild(document.createTextNode("…"));
    var at = start;
    found.forEach(function (r) {
      var a = Math.max(r[0], start), b = Math.min(r[1], end);
      if (a >= b) return;
      if (a > at) node.appendChild(document.createTextNode(text.slice(at, a)));
      node.appendChild(el("mark", "", text.slice(a, b)));
      at = b;
    });
    if (at < end) node.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) node.appendChild(document.createTextNode("…"));
    return node;
  }

  function kindName(doc) { return (L.kinds || {})[doc.kind] || doc.kind; }

  function href(doc, needles) {
    var parts = doc.url.split("#");
    var url = new URL(parts[0], root);
    if (parts[1] !== undefined && doc.report) url.searchParams.set("hl", needles.join(" "));
    return url.href.split("#")[0] + (parts[1] !== undefined ? "#" + parts[1] : "");
  }

  function reportName(group) { return group.title; }

  function searchPageUrl(text, scope) {
    var url = new URL("search.html", root);
    url.searchParams.set("q", text);
    if (scope) url.searchParams.set("report", scope);
    return url.href;
  }

  // Help for no results: the longest part of the query that is found, and
  // glossary terms sharing a pair (or the character) with it.
  function suggestions(phrase, scope) {
    var chars = Array.from(phrase), parts = [];
    for (var len = Math.min(chars.length - 1, 12); len >= 1; len--) {
      for (var i = 0; i + len <= chars.length; i++) {
        var part = chars.slice(i, i + len).join("").trim();
        if (part && Array.from(part).length === len && parts.indexOf(part) < 0) parts.push(part);
      }
    }
    function tryPart(n) {
      if (n >= parts.length || n > 40) return Promise.resolve("");
      return query(store, parts[n], scope, { notes: 1, blocks: 1 }).then(function (o) {
        return o.exact && (o.notes.shown.length || o.blocks.shown.length) ? parts[n] : tryPart(n + 1);
      });
    }
    var keys = terms(phrase).filter(function (t) { return Array.from(t).length === 2 || chars.length === 1; });
    var related = [];
    store.notes.names.forEach(function (name, i) {
      var folded = fold(name || "");
      if (related.length < 12 && keys.some(function (k) { return folded.indexOf(k) >= 0; })) related.push(store.notes.start + i);
    });
    return Promise.all([tryPart(0), store.loadTexts(related)]).then(function (found) {
      var docs = related.map(function (id) { return store.texts[id]; })
        .filter(function (d) { return d.kind === "term"; }).slice(0, 8);
      return { shorter: found[0], terms: docs };
    });
  }

  function helpList(box, phrase, scope) {
    return suggestions(phrase, scope).then(function (help) {
      if (help.shorter) {
        var p = el("p", "", L.shorter), link = el("a", "", help.shorter);
        link.href = searchPageUrl(help.shorter, scope);
        p.appendChild(link);
        box.appendChild(p);
      }
      if (help.terms.length) {
        box.appendChild(el("p", "", L.related_terms));
        var list = el("ul", "search-help-terms");
        help.terms.forEach(function (doc) {
          var item = el("li"), a = el("a", "", doc.title);
          a.href = new URL(doc.url, root).href;
          item.appendChild(a);
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      var glossary = el("p"), g = el("a", "", L.all_terms);
      g.href = new URL("glossary.html", root).href;
      glossary.appendChild(g);
      box.appendChild(glossary);
    });
  }

  // ---- the search page: ?q=…&report=…, updated as you type ------------------

  function resultItem(doc, needles) {
    var item = el("li", "search-result search-kind-" + doc.kind);
    var link = el("a", "search-result-link");
    link.href = href(doc, needles);
    link.appendChild(el("span", "search-kind", kindName(doc)));
    if (doc.title) link.appendChild(highlighted("span", "search-title", doc.title, needles));
    else link.appendChild(el("span", "search-where", doc.path || kindName(doc)));
    item.appendChild(link);
    item.appendChild(highlighted("p", "search-snippet", doc.text, needles, 120));
    return item;
  }

  function searchPage(input) {
    var main = document.querySelector(".search-page");
    var status = main.querySelector(".search-status");
    var results = main.querySelector(".search-groups");
    var scopeLine = el("p", "search-scope"), extra = el("div", "search-extra"), baseTitle = document.title;
    status.parentNode.insertBefore(scopeLine, status.nextSibling);
    results.parentNode.insertBefore(extra, results.nextSibling);
    var params = new URLSearchParams(location.search);
    var scope = params.get("report") || "", turn = 0;

    function showScope() {
      scopeLine.textContent = "";
      var group = store && scope ? store.group(scope) : null;
      scopeLine.hidden = !group;
      if (!group) return;
      scopeLine.appendChild(document.createTextNode(say(L.scope, { report: reportName(group) }) + " "));
      var all = el("a", "search-scope-all", L.scope_all);
      all.href = searchPageUrl(input.value, "");
      all.addEventListener("click", function (event) {
        event.preventDefault();
        scope = "";
        var url = new URL(location.href);
        url.searchParams.delete("report");
        history.replaceState(null, "", url.href);
        render();
      });
      scopeLine.appendChild(all);
    }

    // One section per group (notes, then each report), filled as pages arrive.
    function draw(outcome, needles) {
      results.textContent = "";
      var sections = {};
      function section(key, title, year, countValue) {
        if (sections[key]) return sections[key];
        var box = el("section", "search-group");
        box.setAttribute("data-group", key);
        var heading = el("h2", "search-group-title", title);
        if (countValue !== null && countValue !== undefined) heading.appendChild(el("span", "search-group-count", say(L.group_count, { count: countValue })));
        box.appendChild(heading);
        box.appendChild(el("ol", "search-results"));
        results.appendChild(box);
        return (sections[key] = box);
      }
      outcome.notes.shown.forEach(function (doc) {
        section("", L.notes, null, null).querySelector("ol").appendChild(resultItem(doc, needles));
      });
      if (!outcome.notes.done()) moreButton(section("", L.notes), function () { return outcome.notes.next(10); });
      outcome.blocks.shown.forEach(function (doc) {
        var g = doc.report;
        section(g.slug, reportName(g), g.year, outcome.groupCount(g)).querySelector("ol").appendChild(resultItem(doc, needles));
      });
      if (!outcome.blocks.done()) moreButton(results, function () { return outcome.blocks.next(FIRST.blocks); });

      function moreButton(parent, fetchMore) {
        var button = el("button", "search-more", L.more);
        button.type = "button";
        button.addEventListener("click", function () {
          button.disabled = true;
          state("busy");
          fetchMore().then(function () { draw(outcome, needles); status.textContent = statusText(outcome); state("done"); });
        });
        parent.appendChild(button);
      }
    }

    function statusText(outcome) {
      var phrase = outcome.plan.phrase, total = outcome.total();
      var n = outcome.notes.shown.length + outcome.blocks.shown.length;
      if (!outcome.exact) return say(L.partial, { phrase: phrase, count: total === null ? n + "+" : total, pieces: outcome.plan.pieces.join(L.pieces_separator) });
      return total === null ? say(L.found_open, { phrase: phrase }) : say(L.found, { phrase: phrase, count: total });
    }

    // data-search on the page: "busy" while a query runs, "done" once shown (tests wait on it)
    function state(value) { main.setAttribute("data-search", value); }

    function render() {
      var text = input.value, mine = ++turn;
      var phrase = plan(text).phrase;
      extra.textContent = "";
      state("busy");
      document.title = phrase ? phrase + " · " + baseTitle : baseTitle;
      if (store) showScope();
      if (!phrase) {
        results.textContent = "";
        status.textContent = L.prompt;
        var exampleList = el("ul", "search-examples");
        examples.forEach(function (word) {
          var item = el("li"), a = el("a", "", word);
          a.href = searchPageUrl(word, scope);
          item.appendChild(a);
          exampleList.appendChild(item);
        });
        extra.appendChild(exampleList);
        state("done");
        return;
      }
      if (loadError) { status.textContent = loadError.message; state("done"); return; }
      if (!store) { status.textContent = L.loading; return; }
      // the first result of each kind as soon as its chunk is in, then the rest of the page
      query(store, text, store.group(scope) ? scope : "", { notes: 1, blocks: 1 }).then(function (outcome) {
        if (mine !== turn) return;
        var needles = outcome.needles();
        draw(outcome, needles);
        status.textContent = statusText(outcome);
        return Promise.all([outcome.notes.next(FIRST.notes - outcome.notes.shown.length),
                            outcome.blocks.next(FIRST.blocks - outcome.blocks.shown.length)]).then(function () {
          return outcome;
        });
      }).then(function (outcome) {
        if (!outcome || mine !== turn) return;
        var needles = outcome.needles();
        draw(outcome, needles);
        if (!outcome.notes.shown.length && !outcome.blocks.shown.length) {
          status.textContent = say(L.none, { phrase: phrase });
          var box = el("div", "search-help");
          extra.appendChild(box);
          return helpList(box, phrase, store.group(scope) ? scope : "").then(function () {
            if (mine === turn) state("done");
          });
        }
        status.textContent = statusText(outcome);
        state("done");
      }).catch(function (error) {
        if (mine === turn) { status.textContent = error.message; state("done"); }
      });
    }

    input.value = params.get("q") || "";
    listeners.push(render);
    render();
    load();
    input.addEventListener("input", function () {
      var url = new URL(location.href);
      url.searchParams.set("q", input.value);
      history.replaceState(null, "", url.href);
      render();
    });
  }

  // ---- the search box on every page: a combobox with a listbox of results --
  // On a report page it searches that report, and offers all reports.

  function dropdown(form, input) {
    var listbox = el("ul", "search-dropdown");
    listbox.id = "site-search-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", L.listbox);
    listbox.hidden = true;
    var live = el("p", "visually-hidden");
    live.setAttribute("role", "status");
    form.appendChild(listbox);
    form.appendChild(live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");
    if (here) form.setAttribute("data-report", here);
    var active = -1, turn = 0;

    function options() { return listbox.querySelectorAll("[role=option]"); }

    function setActive(i) {
      var all = options();
      active = all.length ? (i + all.length) % all.length : -1;
      Array.prototype.forEach.call(all, function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function option(id, url, build) {
      var item = el("li", "search-option");
      item.id = id;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var link = el("a");
      link.href = url;
      link.tabIndex = -1;
      build(link);
      item.appendChild(link);
      listbox.appendChild(item);
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function show(outcome) {
      var phrase = outcome.plan.phrase, needles = outcome.needles();
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var docs = outcome.notes.shown.slice(0, DROPDOWN.notes).concat(outcome.blocks.shown.slice(0, DROPDOWN.blocks));
      docs.forEach(function (doc, i) {
        option("site-search-option-" + i, href(doc, needles), function (link) {
          link.appendChild(el("span", "search-kind", kindName(doc)));
          if (doc.title) link.appendChild(highlighted("span", "search-title", doc.title, needles));
          else link.appendChild(el("span", "search-where", [reportName(doc.report), doc.path].filter(Boolean).join(" › ")));
          link.appendChild(highlighted("span", "search-snippet", doc.text, needles, 60));
        });
      });
      var total = outcome.total(), scope = outcome.scope;
      option("site-search-option-all", searchPageUrl(input.value, scope), function (link) {
        link.appendChild(el("span", "search-all", !docs.length ? say(L.dropdown_none, { phrase: phrase })
          : total === null ? L.dropdown_more : say(L.dropdown_all, { count: total })));
      });
      if (scope) {
        option("site-search-option-everywhere", searchPageUrl(input.value, ""), function (link) {
          link.appendChild(el("span", "search-all search-everywhere", say(L.dropdown_everywhere, { phrase: phrase })));
        });
      }
      live.textContent = !docs.length ? L.live_none : total === null ? L.live_some : say(L.live_count, { count: total });
      open();
    }

    function render() {
      var text = input.value, mine = ++turn;
      var phrase = plan(text).phrase;
      if (!phrase || document.activeElement !== input) { close(); return; }
      if (loadError || !store) {
        listbox.textContent = "";
        listbox.appendChild(el("li", "search-note", loadError ? loadError.message : L.loading));
        open();
        return;
      }
      query(store, text, here && store.group(here) ? here : "", DROPDOWN).then(function (outcome) {
        if (mine === turn && document.activeElement === input) show(outcome);
      }).catch(function (error) {
        listbox.textContent = "";
        listbox.appendChild(el("li", "search-note", error.message));
        open();
      });
    }

    listeners.push(render);
    input.addEventListener("focus", function () { load(); if (input.value) render(); });
    input.addEventListener("input", function () { load(); render(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        // the list closed by Escape still holds the results for this text: reopen it
        if (listbox.hidden) { if (options().length) open(); else render(); }
        event.preventDefault();
        setActive(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        location.href = options()[active].querySelector("a").href;
      } else if (event.key === "Escape") {
        // first Escape closes the list (and keeps the text, which a search
        // input would otherwise clear); a second one clears it
        if (!listbox.hidden) { event.preventDefault(); close(); }
      }
    });
    // keep focus in the input while a result is clicked
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    // Enter without a chosen option: the search page, scoped to this report
    form.addEventListener("submit", function (event) {
      if (!here) return;
      event.preventDefault();
      location.href = searchPageUrl(input.value, here);
    });
  }

  // ---- arrival on a report block from a result: highlight the match --------
  // <mark> elements go around existing text only: the block's characters do
  // not change. Text inside [data-ui] (permalinks) is not searched.
  function clearHighlights() {
    Array.prototype.forEach.call(document.querySelectorAll("mark.search-hit"), function (mark) {
      var parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      parent.removeChild(mark);
      parent.normalize();
    });
    Array.prototype.forEach.call(document.querySelectorAll(".search-target"), function (b) { b.classList.remove("search-target"); });
  }

  function highlightBlock(block, text) {
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest("[data-ui]") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [], all = "", node;
    while ((node = walker.nextNode())) { nodes.push({ node: node, start: all.length }); all += node.data; }
    var p = plan(text), found = ranges(all, [p.phrase]);
    if (!found.length) found = ranges(all, p.pieces);
    var segments = [];
    found.forEach(function (r) {
      nodes.forEach(function (n) {
        var a = Math.max(r[0], n.start), b = Math.min(r[1], n.start + n.node.data.length);
        if (a < b) segments.push({ node: n.node, a: a - n.start, b: b - n.start });
      });
    });
    for (var i = segments.length - 1; i >= 0; i--) { // from the end: earlier offsets stay valid
      var s = segments[i], range = document.createRange();
      range.setStart(s.node, s.a);
      range.setEnd(s.node, s.b);
      range.surroundContents(el("mark", "search-hit"));
    }
    block.classList.add("search-target");
    return found.length;
  }

  function highlightFromUrl() {
    var text = new URLSearchParams(location.search).get("hl");
    clearHighlights();
    if (!text || !location.hash) return;
    var block = document.getElementById(decodeSafely(location.hash.slice(1)));
    if (block && block.hasAttribute("data-block")) highlightBlock(block, text);
  }

  var form = document.querySelector("form.site-search");
  var input = document.getElementById("site-search-input");
  if (input && document.querySelector(".search-page")) {
    searchPage(input);
  } else if (form && input) {
    dropdown(form, input);
  }
  highlightFromUrl();
  window.addEventListener("hashchange", highlightFromUrl);

  // For tests and bench/search.py. ready(): the manifest, then every shard and
  // chunk (the whole library: never what a reader's search does); search(q):
  // every result, synchronously, once ready; query(q, scope): what the page does.
  var everything = null;
  window.siteSearch = {
    ready: function () {
      return everything || (everything = load().then(function () { return store.loadAll(); }));
    },
    search: function (text, scope) { return querySync(store, text, scope || ""); },
    query: function (text, scope, first) {
      return load().then(function () { return query(store, text, scope || "", first || FIRST); });
    },
    store: function () { return store; },
    plan: plan, terms: terms
  };
})();
