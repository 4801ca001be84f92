// The Subscribe page's picker (core/subscriptions/page.py writes the page). Without this script the page is a list
// of choices in groups, each with its RSS address; with it, the reader answers two plain questions (what kind
// of thing to follow, then which one) and copies one address, RSS unless they open "Other formats". Every
// address comes from the list's data- attributes: nothing is built or guessed here. A link to one feed
// (`#feed-topics-weapons-attacks`, from "Get updates about ..." on a topic page) opens the picker on it.

(function () {
  const root = document.querySelector("[data-pp-subscribe]");
  const picker = root && root.querySelector("[data-pp-subscribe-picker]");
  if (!picker) return;
  const OTHER_FORMATS = [["atom", "Atom"], ["json", "JSON Feed (for developers building their own tools)"]];
  const groups = [...root.querySelectorAll("[data-pp-feed-group]")];
  const QUESTIONS = { types: "Which kind of page?", topics: "Which topic?", sectors: "Which sector?" };

  function element(tag, properties, ...children) {
    const made = Object.assign(document.createElement(tag), properties);
    made.append(...children);
    return made;
  }

  // First question: everything, a kind of page, a topic or a sector (radios: every choice visible at once).
  const kinds = element("fieldset", { className: "pp-subscribe__kinds" },
    element("legend", { className: "pp-subscribe__label", textContent: "What do you want to follow?" }));
  // Second question, for every group but "everything": one of that group's feeds.
  const selects = {};
  const which = element("div", { className: "pp-subscribe__which" });
  for (const group of groups) {
    const key = group.dataset.ppFeedGroup;
    const heading = group.dataset.ppFeedHeading;
    const items = [...group.querySelectorAll("[data-pp-feed]")];
    const radio = element("input", { type: "radio", name: "pp-feed-kind", value: key, id: "pp-feed-kind-" + key });
    kinds.append(element("div", { className: "pp-subscribe__kind" }, radio,
      element("label", { htmlFor: radio.id, textContent: key === "everything" ? items[0].dataset.ppFeed : heading })));
    if (key === "everything") {
      selects[key] = { value: items[0], hidden: true };
      continue;
    }
    const select = element("select", { id: "pp-feed-" + key, className: "pp-subscribe__select" },
      ...items.map((item, index) => new Option(item.dataset.ppFeed, String(index))));
    const box = element("div", { className: "pp-subscribe__question", hidden: true },
      element("label", { htmlFor: select.id, className: "pp-subscribe__label", textContent: QUESTIONS[key] || heading }),
      select);
    selects[key] = { select, box, items };
    which.append(box);
  }

  const format = element("details", { className: "pp-subscribe__formats" },
    element("summary", { textContent: "Other formats: Atom and JSON Feed" }),
    element("fieldset", {},
      element("legend", { className: "pp-visually-hidden", textContent: "Format" }),
      ...[["rss", "RSS (works in every feed reader)"], ...OTHER_FORMATS].map(([value, label], index) =>
        element("label", {}, element("input", { type: "radio", name: "pp-feed-format", value, checked: index === 0 }),
          " " + label))));

  const address = element("code", { id: "pp-feed-address", className: "pp-subscribe__address" });
  const copy = element("button", { type: "button", className: "pp-subscribe__copy", textContent: "Copy address" });
  const status = element("p", { className: "pp-subscribe__status", role: "status" });

  function chosenItem() {
    const kind = kinds.querySelector("input:checked").value;
    for (const [key, entry] of Object.entries(selects)) {
      if (entry.box) entry.box.hidden = key !== kind;
    }
    const entry = selects[kind];
    return entry.select ? entry.items[Number(entry.select.value)] : entry.value;
  }

  function show() {
    const item = chosenItem();
    const chosen = format.querySelector("input:checked").value;
    // A line-break opportunity after each "/", so a narrow box wraps between the address's parts.
    const parts = item.dataset[chosen].split(/(?<=[^/]\/)(?!\/)/);
    address.replaceChildren(...parts.flatMap((part, index) => index ? [document.createElement("wbr"), part] : [part]));
    status.textContent = "";
  }

  function choose(item) {
    const group = item.closest("[data-pp-feed-group]").dataset.ppFeedGroup;
    kinds.querySelector(`input[value="${group}"]`).checked = true;
    const entry = selects[group];
    if (entry.select) entry.select.value = String(entry.items.indexOf(item));
  }

  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(address.textContent);
      status.textContent = "Address copied. Paste it into your feed reader.";
    } catch {
      // No clipboard (an insecure address, or permission refused): select it for the reader to copy.
      getSelection().selectAllChildren(address);
      status.textContent = "Address selected: copy it with your keyboard or the context menu.";
    }
  });
  kinds.addEventListener("change", show);
  which.addEventListener("change", show);
  format.addEventListener("change", show);

  picker.append(kinds, which,
    element("p", { className: "pp-subscribe__label", textContent: "Address to copy into your feed reader:" }),
    element("div", { className: "pp-subscribe__box" }, address, copy),
    status, format);
  picker.hidden = false;
  // The page's own note on other formats is for readers without this script: the picker now offers them.
  const formatsNote = document.querySelector("[data-pp-subscribe-formats-note]");
  if (formatsNote) formatsNote.hidden = true;

  // The full list stays for anyone who wants to scan it, folded away under the picker.
  const list = element("details", { className: "pp-subscribe__all" },
    element("summary", { textContent: "Every feed address (RSS)" }));
  list.append(...groups);
  root.append(list);

  const linked = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (linked && linked.matches("[data-pp-feed]") && root.contains(linked)) {
    choose(linked);
    // The browser opens the folded list to show the linked address (and scrolls to it, once the page has
    // loaded): the picker, which now holds that choice, is what the reader should see instead.
    const reveal = () => {
      list.open = false;
      picker.scrollIntoView({ block: "start" });
    };
    if (document.readyState === "complete") reveal();
    else window.addEventListener("load", () => setTimeout(reveal), { once: true });
  } else {
    kinds.querySelector("input").checked = true;
  }
  show();
})();
