"""The protectpress core. Nothing under this package may import MkDocs or Material.

MkDocs 1.x is frozen and Material for MkDocs reaches end of life in May 2027: keeping the content model,
feeds, email and sending here means a move to another site generator rewrites only the thin adapters.

The folders are layers, lowest first; a module imports only from its own layer or a lower one
(`LAYERS` below, checked by tests/test_core_layers.py):

- `foundation/`: what every part uses: settings, problems, dates, the URL maker, slugs, the emergency line,
  header text rules, email addresses, files that hold personal data, signed tokens.
- `judge/`: the one judge of hostile input: the sanitiser, the content policy, the project boundary.
- `content/`: the content model: typed pages read from docs/, their schema and lint, change notes.
- `site/`: what only the public site needs: listings, home page, metadata, print cards, search, offline,
  redirects, the Content-Security-Policy.
- `feeds/`: RSS, Atom and JSON Feed, site-wide and per topic.
- `newsletter/`: newsletters read, rendered to email HTML and plain text, and their web versions.
- `sending/`: recipients, suppression, the send journal, transports and the send loop.
- `subscriptions/`: email sign-up: the Subscribe page, the form and consent, pulling the service's records.
- `checks/`: the checks across channels: links in everything built, published addresses kept.
- `project/`: the whole project read at once, and the urgent notice that every channel carries.
"""

# Lowest first: a module in one of these may import only from its own layer or one listed before it.
LAYERS = ("foundation", "judge", "content", "site", "feeds", "newsletter", "sending", "subscriptions", "checks",
          "project")
