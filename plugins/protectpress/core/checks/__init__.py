"""Checks across every channel: links in all that was built, and the record of every address ever published."""
