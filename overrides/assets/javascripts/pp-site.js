// protectpress: the site's one small script, loaded deferred on every page (overrides/main.html). Every page
// reads and works without it; it adds what needs a script: search (shown only with a connection), the Print
// button on action cards, and the offline worker. External, never inline, so a Content-Security-Policy needs
// no exception for it; and Material's own script (114 KB) is not loaded at all (overrides/base.html).

(function () {
  const script = document.currentScript;

  // Search: the button and box are `hidden` in the page (they need this script and a connection). Offline,
  // search would only fail, so they are hidden again until the connection is back.
  const root = document.getElementById("pp-search");
  const input = document.getElementById("pp-search-input");
  const toggle = document.getElementById("__search");
  const opener = document.querySelector("[data-pp-search-open]");
  if (root && input && toggle && opener) {
    const offlinePage = document.querySelector("[data-pp-offline-page]") !== null;
    let loading = null;
    const showSearch = () => {
      const usable = !offlinePage && navigator.onLine !== false;
      root.hidden = !usable;
      opener.hidden = !usable;
      if (!usable && toggle.checked) {
        toggle.checked = false;
        toggle.dispatchEvent(new Event("change"));
      }
    };
    const load = () => {
      // A full address: import() reads "assets/..." (the home page's relative URL) as a package name.
      const module = new URL(root.getAttribute("data-pp-search-script"), document.baseURI).href;
      loading = loading || import(module).then((search) => search.start(root));
      return loading;
    };
    const open = (returnTo) => {
      if (root.hidden) return;
      if (!toggle.checked) {
        root.ppReturnTo = returnTo || null;
        toggle.checked = true;
        toggle.dispatchEvent(new Event("change"));
      }
      // Said at once, not when pp-search.js has loaded: a screen reader hears the state as focus moves.
      opener.setAttribute("aria-expanded", "true");
      if (document.activeElement !== input) input.focus();
      load();
    };
    const typing = (target) => target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    document.addEventListener("keydown", (event) => {
      if ((event.key === "/" || event.key === "s" || event.key === "S") && !event.ctrlKey && !event.metaKey &&
          !event.altKey && !typing(event.target) && !toggle.checked && !root.hidden) {
        event.preventDefault();
        open(document.activeElement);
      }
    });
    opener.addEventListener("click", (event) => open(event.currentTarget));
    input.addEventListener("focus", (event) => open(event.relatedTarget));
    root.querySelector("[data-pp-search-form]").addEventListener("submit", (event) => event.preventDefault());
    window.addEventListener("online", showSearch);
    window.addEventListener("offline", showSearch);
    showSearch();
  }

  // Print: a real button where the browser can print (the printed page hides it: the print stylesheet).
  if (typeof window.print === "function") {
    for (const button of document.querySelectorAll("[data-pp-print]")) {
      button.addEventListener("click", () => window.print());
      button.hidden = false;
    }
  }

  // The offline worker (core/offline.py): registered only where the build wrote one (never the preview).
  const worker = script && script.getAttribute("data-pp-worker");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(new URL(worker, document.baseURI).href).catch(() => {});
  }
})();
