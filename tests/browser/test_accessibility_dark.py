"""WCAG 2.2 AA in a real browser, in the dark palette: axe-core finds no violation on any page kind, at desktop
size and then on a phone. The light palette is test_accessibility_light.py, the states a reader puts a page in and
the newsletter emails test_accessibility.py: a module each, so the two workers share the sweep."""

from __future__ import annotations

import pytest
from browser_checks import assert_no_wcag_violations_on_desktop_and_phone
from page_kinds import PAGE_KIND_NAMES

pytestmark = pytest.mark.long


@pytest.mark.parametrize("kind_name", PAGE_KIND_NAMES)
def test_page_kind_has_no_wcag_violations_in_the_dark_palette(kind_name, page_kind, reading_page, site_url,
                                                              axe_source, artifacts):
    assert_no_wcag_violations_on_desktop_and_phone(page_kind(kind_name), "dark", reading_page, site_url,
                                                   axe_source, artifacts)
