"""Which features the plugin runs, in order. Each one owns a module; add a feature here."""

from __future__ import annotations

from .state import BuildState


def load_features(state: BuildState) -> list:
    from .feeds import FeedsFeature
    from .newsletter import NewsletterFeature
    from .site import SiteFeature

    # Feeds last: the newsletter feature adds its issues to the feeds first.
    features: list = [SiteFeature(state), NewsletterFeature(state), FeedsFeature(state)]
    return features
