"""Feeds for partners: content items -> RSS 2.0, Atom (both with feedgen) and JSON Feed 1.1."""
