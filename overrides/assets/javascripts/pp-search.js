// Site search over Pagefind's chunked index, loaded by partials/search.html when a reader first opens search.
// Pagefind's JavaScript API (pagefind/pagefind.js) fetches only the index chunks a query needs; this module
// draws an accessible result list and filters in Material's search box: results are plain links, the arrow
// keys move between them, Enter opens one, Escape closes search and puts focus back where it was.

const SITE_ROOT = new URL("../../", import.meta.url); // this file lives in <site>/assets/javascripts/
const PAGE_SIZE = 10;
const TYPING_PAUSE_MS = 150;
const FILTERS = [
  // [Pagefind filter key, label, "any" choice]: the keys the theme writes with data-pagefind-filter.
  ["type", "Type", "Any type"],
  ["topic", "Topic", "Any topic"],
  ["sector", "Sector", "Any sector"],
];

let pagefind = null;

function loadPagefind() {
  pagefind = pagefind || import(new URL("pagefind/pagefind.js", SITE_ROOT).href).then(async (module) => {
    // Result addresses relative to where the site is published, which need not be the server's root.
    await module.options({ baseUrl: SITE_ROOT.pathname, excerptLength: 24 });
    await module.init();
    return module;
  });
  return pagefind;
}

export function start(root) {
  const toggle = document.getElementById("__search");
  const input = root.querySelector("input[type=search]");
  const opener = document.querySelector("[data-pp-search-open]");
  const status = root.querySelector("[data-pp-search-status]");
  const list = root.querySelector("[data-pp-search-results]");
  const more = root.querySelector("[data-pp-search-more]");
  const filterBox = root.querySelector("[data-pp-search-filters]");
  const choices = {};
  let shown = PAGE_SIZE;
  let latest = 0;
  let timer = null;

  const links = () => [...list.querySelectorAll(".md-search-result__link")];

  function setOpen(open) {
    opener.setAttribute("aria-expanded", String(open));
    if (toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change")); // Material (un)locks the page's scrolling on a phone
  }

  function close(returnFocus) {
    const returnTo = root.ppReturnTo;
    root.ppReturnTo = null;
    setOpen(false);
    if (!returnFocus) return;
    if (returnTo && returnTo !== document.body && returnTo.isConnected && !root.contains(returnTo)) {
      returnTo.focus();
    } else if (root.contains(document.activeElement)) {
      document.activeElement.blur();
    }
  }

  function chosenFilters() {
    const filters = {};
    for (const [key, value] of Object.entries(choices)) if (value) filters[key] = value;
    return filters;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => run(PAGE_SIZE), TYPING_PAUSE_MS);
  }

  async function run(count) {
    const ticket = ++latest;
    shown = count;
    const term = input.value.trim();
    const filters = chosenFilters();
    const sort = choices.sort === "newest" ? { date: "desc" } : undefined;
    if (!term && !Object.keys(filters).length) {
      list.replaceChildren();
      delete list.dataset.ppSearchedFor;
      more.hidden = true;
      status.textContent = "Type to start searching";
      return;
    }
    const engine = await loadPagefind();
    const search = await engine.search(term || null, { filters, sort });
    if (ticket !== latest || !search) return;
    const pages = await Promise.all(search.results.slice(0, count).map((result) => result.data()));
    if (ticket !== latest) return;
    const words = searchedWords(term);
    list.replaceChildren(...onePerAddress(pages).map((page) => resultItem(page, words)));
    // What these results are for: results for the first letters typed can come before the whole word's.
    list.dataset.ppSearchedFor = term;
    more.hidden = search.results.length <= count;
    const total = search.results.length;
    // For a word in no page, Pagefind lists the pages with the longest part of it that some page has ("parcel"
    // finds "PALs"): told as such, not as matches, when no excerpt shown has a word the reader searched for
    // (markedText marks only those).
    const similar = term && total > 0 && !list.querySelector("mark");
    status.textContent = total === 0 ? "No matching pages" :
      similar ? `No exact matches for “${term}”. ${total === 1 ? "1 page" : `${total} pages`} with similar words` :
      total === 1 ? "1 matching page" :
      total > count ? `${total} matching pages, showing ${count}` : `${total} matching pages`;
  }

  async function showFilters() {
    const engine = await loadPagefind();
    const available = await engine.filters();
    const controls = FILTERS.filter(([key]) => available[key] && Object.keys(available[key]).length)
      .map(([key, label, any]) => select(key, label, [["", any], ...Object.keys(available[key])
        .sort((a, b) => a.localeCompare(b)).map((value) => [value, value])]));
    controls.push(select("sort", "Order", [["", "Best match"], ["newest", "Newest first"]]));
    filterBox.replaceChildren(...controls);
    filterBox.hidden = false;
  }

  function select(key, label, options) {
    const field = document.createElement("label");
    field.className = "pp-search__filter";
    const name = document.createElement("span");
    name.textContent = label;
    const control = document.createElement("select");
    control.name = key;
    for (const [value, text] of options) control.add(new Option(text, value));
    control.addEventListener("change", () => {
      choices[key] = control.value;
      run(PAGE_SIZE);
    });
    field.append(name, control);
    return field;
  }

  input.addEventListener("input", schedule);
  more.addEventListener("click", () => {
    const next = links().length;
    run(shown + PAGE_SIZE).then(() => links()[next]?.focus());
  });
  root.querySelector("[data-pp-search-close]").addEventListener("click", () => close(true));
  input.addEventListener("focus", () => setOpen(true));
  // The overlay (a label for Material's toggle) closes search on a click outside the box.
  toggle.addEventListener("change", () => { if (!toggle.checked) close(false); });
  root.addEventListener("focusout", (event) => {
    // Focus moved out of the search box (Tab past its end, a click elsewhere): close it where focus now is.
    if (event.relatedTarget && !root.contains(event.relatedTarget) && event.relatedTarget !== opener) close(false);
  });
  root.addEventListener("keydown", (event) => {
    const current = links();
    const at = current.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "Enter" && document.activeElement === input) {
      event.preventDefault();
      clearTimeout(timer);
      // Enter straight after typing: wait for this search's results, then open the best.
      run(shown).then(() => { const first = links()[0]; if (first) first.click(); });
    } else if (event.key === "ArrowDown" && (document.activeElement === input || at >= 0)) {
      event.preventDefault();
      current[Math.min(at + 1, current.length - 1)]?.focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? input : current[at - 1]).focus();
    }
  });

  // Focus may have left while this module was loading (a quick Tab past the box): then search closes now.
  if (!root.contains(document.activeElement)) close(false);
  else setOpen(toggle.checked);
  showFilters().catch((error) => {
    status.textContent = "Search is not available right now";
    console.error("protectpress search:", error);
  });
  if (input.value.trim()) run(PAGE_SIZE);
}

function resultItem(page, words) {
  const item = document.createElement("li");
  item.className = "md-search-result__item";
  const link = document.createElement("a");
  link.className = "md-search-result__link";
  link.href = page.url;
  const article = document.createElement("article");
  article.className = "md-search-result__article md-typeset";
  const title = document.createElement("span");
  title.className = "pp-search-hit__title";
  title.textContent = page.meta.title || page.url;
  const facts = document.createElement("span");
  facts.className = "pp-search-hit__facts";
  facts.textContent = [page.meta.type, page.meta.date].filter(Boolean).join(" · ");
  const excerpt = document.createElement("span");
  excerpt.className = "pp-search-hit__excerpt";
  excerpt.append(...markedText(page.excerpt || "", words));
  article.append(title, facts);
  // Topic and sector labels as the theme wrote them (core/site/search.py): words a reader knows, never slugs.
  const labels = [["Topics", page.meta.topics], ["Sectors", page.meta.sectors]].filter(([, value]) => value);
  if (labels.length) {
    const tags = document.createElement("span");
    tags.className = "pp-search-hit__labels";
    tags.textContent = labels.map(([name, value]) => `${name}: ${value}`).join(" · ");
    article.append(tags);
  }
  article.append(excerpt);
  link.append(article);
  item.append(link);
  return item;
}

// A page reached by two addresses (".../" and ".../index.html") is one result, listed once.
function onePerAddress(pages) {
  const seen = new Set();
  return pages.filter((page) => {
    const address = page.url.replace(/index\.html$/, "");
    if (seen.has(address)) return false;
    seen.add(address);
    return true;
  });
}

// Words too common to be what a reader searched for: Pagefind matches (and marks) them in every excerpt.
const STOP_WORDS = new Set(("a an and are as at be but by for from has have if in into is it its of on or so " +
  "than that the their them then there these they this to was we were what when where which who will with " +
  "you your").split(" "));

// The words a reader searched for, lower case, without stop words (all of them if nothing else was typed).
export function searchedWords(term) {
  const words = term.toLowerCase().split(/[^\p{L}\p{N}']+/u).filter(Boolean);
  const meaningful = words.filter((word) => !STOP_WORDS.has(word));
  return meaningful.length ? meaningful : words;
}

// Whether a word Pagefind marked is one the reader searched for: the same word, or one sharing its stem
// ("attack" finds "attacks"; Pagefind stems the same way), never a stop word the reader did not search for.
export function isSearched(marked, words) {
  const word = marked.toLowerCase().replace(/[^\p{L}\p{N}']/gu, "");
  if (!word) return false;
  return words.some((searched) => {
    if (word === searched) return true;
    if (STOP_WORDS.has(word)) return false;
    const stem = searched.slice(0, Math.max(3, searched.length - 2));
    return word.startsWith(stem) || searched.startsWith(word.slice(0, Math.max(3, word.length - 2)));
  });
}

// Pagefind's excerpt is HTML with the matched words in <mark>. Parsed in an inert document and rebuilt from
// its text and the <mark>s of searched words alone, so nothing in a page's text can ever run as markup here.
function markedText(html, words) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.firstChild;
  return [...parsed.childNodes].map((node) => {
    if (node.nodeName !== "MARK" || !isSearched(node.textContent, words)) {
      return document.createTextNode(node.textContent);
    }
    const mark = document.createElement("mark");
    mark.textContent = node.textContent;
    return mark;
  });
}
