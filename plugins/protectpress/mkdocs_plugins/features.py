"""Which features the plugin runs, in order. Each one owns a module; add a feature here."""

from __future__ import annotations

from .state import BuildState


def load_features(state: BuildState) -> list:
    from .csp import CspFeature
    from .feeds import FeedsFeature
    from .integrity import IntegrityFeature
    from .kept_work import PagesKept, TemplatesKept
    from .newsletter import NewsletterFeature
    from .notice import NoticeFeature
    from .offline import OfflineFeature
    from .one_converter import OneConverter
    from .page_source import MetaReadOnce
    from .search import SearchFeature
    from .site import SiteFeature

    # Feeds after newsletters: the newsletter feature adds its issues to the feeds first. Integrity last: it
    # checks the links in the feeds and emails that the others write in on_post_build. Offline after the pages
    # are written: its worker is versioned by their bytes.
    # The Content-Security-Policy before offline too, so the worker versions the pages as published.
    # Each page's meta given to MkDocs once the site feature has read and validated it (on_files).
    # The notice first: it takes docs/notice.md out of the pages before the site feature reads them.
    # One converter for every page before what is kept, which wraps the render it is given.
    # What a build keeps for the next last: a page's Markdown is kept as every other feature hands it on, and
    # the compiled templates once the site feature has said whether this is the preview (which keeps its own).
    features: list = [
        NoticeFeature(state),
        SiteFeature(state),
        MetaReadOnce(state),
        NewsletterFeature(state),
        FeedsFeature(state),
        SearchFeature(state),
        CspFeature(state),
        OfflineFeature(state),
        IntegrityFeature(state),
        OneConverter(state),
        PagesKept(state),
        TemplatesKept(state),
    ]
    return features
