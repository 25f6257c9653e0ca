// The live preview's reload, injected by `build.py serve` only (never part of
// the published site): it listens to /__live/events and, after each
// successful rebuild, reloads the page where the reader was; after a failed
// one, it shows the located problems over the page. Served from the preview's
// own origin, so it runs under the site's CSP (script-src, connect-src 'self').
(function () {
  "use strict";

  var script = document.currentScript;
  var loaded = Number(new URL(script.src).searchParams.get("site") || "0");
  var KEY = "live-scroll:" + location.pathname;

  // after our own reload: back to where the reader was
  var saved = sessionStorage.getItem(KEY);
  if (saved) {
    sessionStorage.removeItem(KEY);
    var position = saved.split(",").map(Number);
    var restore = function () { window.scrollTo(position[0], position[1]); };
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore, { once: true });
  }

  var panel = null;

  function showProblems(text) {
    if (!panel) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = "/__live/live.css";
      document.head.appendChild(link);
      panel = document.createElement("section");
      panel.id = "live-problems";
      panel.setAttribute("role", "alert");
      panel.setAttribute("data-ui", "");
      var title = document.createElement("h2");
      title.textContent = "Build failed: the page shows the last good build";
      panel.appendChild(title);
      panel.appendChild(document.createElement("pre"));
      document.body.appendChild(panel);
    }
    panel.querySelector("pre").textContent = text; // text only: never parsed as HTML
  }

  function hideProblems() {
    if (panel) { panel.remove(); panel = null; }
  }

  var events = new EventSource("/__live/events");
  events.addEventListener("message", function (event) {
    var state = JSON.parse(event.data);
    if (state.site > loaded) {
      sessionStorage.setItem(KEY, window.scrollX + "," + window.scrollY);
      events.close();
      location.reload();
    } else if (!state.ok) {
      showProblems(state.problems);
    } else {
      hideProblems();
    }
  });
})();
