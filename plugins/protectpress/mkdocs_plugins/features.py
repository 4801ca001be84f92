"""Which features the plugin runs, in order. Each one owns a module; add a feature here."""

from __future__ import annotations

from .state import BuildState


def load_features(state: BuildState) -> list:
    from .site import SiteFeature

    features: list = [SiteFeature(state)]
    return features
