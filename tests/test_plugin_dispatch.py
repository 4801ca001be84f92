"""The plugin hands each MkDocs event to its features (mkdocs_plugins/plugin.py `_each`): in the features' order,
each returned value threaded into the next as MkDocs threads plugins' values, and each feature asked for its
method once per build rather than on every page's every event."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from protectpress.mkdocs_plugins.plugin import ProtectpressPlugin


class Counted:
    """A feature that counts how often the plugin asks it for a hook method."""

    asked = 0

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on_"):
            Counted.asked += 1
        return object.__getattribute__(self, name)


class Shouts(Counted):
    def on_page_content(self, html: str, **kwargs: Any) -> str:
        return html.upper()


class Quiet(Counted):
    pass


class Marks(Counted):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_page_content(self, html: str, **kwargs: Any) -> None:
        self.seen.append(html)  # returns None: the value goes on unchanged

    def on_post_build(self, **kwargs: Any) -> None:
        self.seen.append("built")


def _plugin(features: list[Any]) -> ProtectpressPlugin:
    plugin = ProtectpressPlugin()
    plugin.load_config({})
    plugin.state = SimpleNamespace()  # type: ignore[assignment]
    plugin.features = features
    return plugin


def test_each_feature_is_given_the_value_the_one_before_returned_in_order():
    marks = Marks()
    plugin = _plugin([Quiet(), marks, Shouts(), marks])
    assert plugin.on_page_content("<p>a</p>", page=None, config=None, files=None) == "<P>A</P>"  # type: ignore[arg-type]
    assert marks.seen == ["<p>a</p>", "<P>A</P>"]
    plugin.on_post_build(config=None)  # type: ignore[arg-type]
    assert marks.seen[-2:] == ["built", "built"]


def test_features_are_asked_for_their_hooks_once_per_build_not_on_every_page():
    Counted.asked = 0
    features = [Quiet(), Shouts(), Marks()]
    plugin = _plugin(features)
    for _ in range(50):
        plugin.on_page_content("<p>a</p>", page=None, config=None, files=None)  # type: ignore[arg-type]
    assert Counted.asked == len(features)
    plugin.features = [Marks()]  # the next build's features (on_config loads new ones)
    assert plugin.on_page_content("<p>b</p>", page=None, config=None, files=None) == "<p>b</p>"  # type: ignore[arg-type]
    assert plugin.features[0].seen == ["<p>b</p>"]


def test_a_disabled_plugin_calls_no_feature():
    marks = Marks()
    plugin = _plugin([marks])
    plugin.config.enabled = False
    assert plugin.on_page_content("<p>a</p>", page=None, config=None, files=None) is None  # type: ignore[arg-type]
    assert marks.seen == []
