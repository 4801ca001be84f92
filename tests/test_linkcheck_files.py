"""The link check's list of built files comes from one walk of the folder's entries (issue 29): the same files
`Path.rglob` with `is_file` listed, linked files included and linked folders not entered."""

from __future__ import annotations

import os

from protectpress.core.checks.linkcheck import BuiltSite


def test_the_built_files_are_those_rglob_and_is_file_find(tmp_path):
    site = tmp_path / "site"
    (site / "guidance" / "pals").mkdir(parents=True)
    (site / "guidance" / "pals" / "index.html").write_text("<p>x</p>", encoding="utf-8")
    (site / ".hidden").write_text("x", encoding="utf-8")
    (site / "feeds").mkdir()
    (site / "feeds" / "rss.xml").write_text("<rss/>", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("x", encoding="utf-8")
    os.symlink(outside, site / "linked-folder")
    os.symlink(site / "feeds" / "rss.xml", site / "linked-file.xml")
    os.symlink(tmp_path / "nowhere", site / "broken-link")

    expected = {f.relative_to(site).as_posix() for f in site.rglob("*") if f.is_file()}
    assert BuiltSite(site).files == expected == {
        "guidance/pals/index.html", ".hidden", "feeds/rss.xml", "linked-file.xml"}
