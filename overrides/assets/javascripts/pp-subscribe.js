// The Subscribe page's picker (core/feeds/subscribe.py writes the page). Without this script the page is a list
// of choices, each with its RSS address; with it, the reader picks one choice and a format and copies one
// address. Every address comes from the list's data- attributes: nothing is built or guessed here.

(function () {
  const root = document.querySelector("[data-pp-subscribe]");
  const picker = root && root.querySelector("[data-pp-subscribe-picker]");
  if (!picker) return;
  const FORMATS = [["rss", "RSS (works in every feed reader)"], ["atom", "Atom"], ["json", "JSON Feed (for developers)"]];
  const groups = [...root.querySelectorAll("[data-pp-feed-group]")];
  const items = [];

  function element(tag, properties, ...children) {
    const made = Object.assign(document.createElement(tag), properties);
    made.append(...children);
    return made;
  }

  const choice = element("select", { id: "pp-feed-choice", className: "pp-subscribe__select" });
  for (const group of groups) {
    const options = [...group.querySelectorAll("[data-pp-feed]")].map((item) => {
      items.push(item);
      return new Option(item.dataset.ppFeed, String(items.length - 1));
    });
    if (groups.indexOf(group) === 0) choice.append(...options);
    else choice.append(element("optgroup", { label: group.dataset.ppFeedGroup }, ...options));
  }

  const format = element("fieldset", { className: "pp-subscribe__formats" },
    element("legend", { textContent: "Format" }),
    ...FORMATS.map(([value, label], index) => element("label", {},
      element("input", { type: "radio", name: "pp-feed-format", value, checked: index === 0 }), " " + label)));

  const address = element("code", { id: "pp-feed-address", className: "pp-subscribe__address" });
  const copy = element("button", { type: "button", className: "pp-subscribe__copy",
                                    textContent: "Copy address" });
  const status = element("p", { className: "pp-subscribe__status", role: "status" });

  function show() {
    const item = items[Number(choice.value)];
    const chosen = format.querySelector("input:checked").value;
    // A line-break opportunity after each "/", so a narrow box wraps between the address's parts.
    const parts = item.dataset[chosen].split(/(?<=[^/]\/)(?!\/)/);
    address.replaceChildren(...parts.flatMap((part, index) => index ? [document.createElement("wbr"), part] : [part]));
    status.textContent = "";
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
  choice.addEventListener("change", show);
  format.addEventListener("change", show);

  picker.append(
    element("label", { htmlFor: "pp-feed-choice", className: "pp-subscribe__label", textContent: "What do you want to follow?" }),
    choice, format,
    element("p", { className: "pp-subscribe__label", textContent: "Address to copy into your feed reader:" }),
    element("div", { className: "pp-subscribe__box" }, address, copy),
    status);
  picker.hidden = false;

  // The full list stays for anyone who wants to scan it, folded away under the picker.
  const list = element("details", { className: "pp-subscribe__all" }, element("summary", { textContent: "Every feed address (RSS)" }));
  list.append(...groups);
  root.append(list);
  show();
})();
