"""Parsing hostile input that may recurse to Python's limit, without harming the rest of the program.

Python-Markdown, PyYAML and the email package parse nesting by recursion, so a crafted file can take them to the
recursion limit; their callers catch the RecursionError and report the file. But if the cyclic garbage collector
starts while the stack is that deep, the finalizers of unrelated objects awaiting collection run at that depth,
fail, and are printed as "Exception ignored in ..." (in the test suite, an error in whichever test was running).
Pausing the collector for the parse keeps them for a later collection at a normal depth.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (reference counting still frees), and back as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
