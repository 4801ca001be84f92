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

  // The palette toggle, only where mkdocs.yml asks for one (base.html renders Material's palette form then):
  // the scheme whose media query matches, or the reader's last choice, kept as Material keeps it.
  const palette = document.querySelector("[data-md-component=palette]");
  if (palette) {
    const inputs = [...palette.querySelectorAll("input[name=__palette]")];
    const apply = (input) => {
      for (const key of ["scheme", "primary", "accent"]) {
        document.body.setAttribute("data-md-color-" + key, input.getAttribute("data-md-color-" + key));
      }
      // Each option's label (after it) switches to the next scheme: only the chosen option's label shows.
      for (const option of inputs) {
        const label = option.nextElementSibling;
        if (label && label.tagName === "LABEL") label.hidden = option !== input;
      }
    };
    const saved = typeof window.__md_get === "function" ? window.__md_get("__palette") : null;
    const current = (saved && inputs[saved.index]) ||
      inputs.find((input) => matchMedia(input.getAttribute("data-md-color-media")).matches) || inputs[0];
    if (current) {
      current.checked = true;
      apply(current);
    }
    palette.addEventListener("change", (event) => {
      const input = event.target;
      apply(input);
      if (typeof window.__md_set === "function") {
        const color = Object.fromEntries(["media", "scheme", "primary", "accent"].map(
          (key) => [key, input.getAttribute("data-md-color-" + key)]));
        window.__md_set("__palette", { index: inputs.indexOf(input), color });
      }
    });
  }

  // Print: a real button where the browser can print (the printed page hides it: the print stylesheet).
  if (typeof window.print === "function") {
    for (const button of document.querySelectorAll("[data-pp-print]")) {
      button.addEventListener("click", () => window.print());
      button.hidden = false;
    }
  }

  // The offline worker (core/site/offline.py): registered only where the build wrote one (never the preview).
  const worker = script && script.getAttribute("data-pp-worker");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(new URL(worker, document.baseURI).href).catch(() => {});
  }
})();
