"""Feed links are written `rel="alternate"` exactly, as autodiscovery (and the CSS selector `link[rel="alternate"]`
that browser extensions use) expects, and no page fetches a sitemap.xml beside them: Material's script, which
took every such link for a language version and did, is not loaded (overrides/base.html)."""

from __future__ import annotations

from browser_checks import open_path


def test_feed_links_make_no_sitemap_requests(new_page, site_url):
    page = new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # Nothing leaves the machine: the feed links point at the example's public address.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site_url) else route.abort())
    open_path(page, site_url, "")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelectorAll('link[rel=\"alternate\"]').length") == 3
    sitemaps = [url for url in requested if url.endswith("sitemap.xml")]
    assert sitemaps == []
