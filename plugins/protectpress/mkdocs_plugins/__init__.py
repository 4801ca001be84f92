"""Thin MkDocs adapters over `protectpress.core`. Everything here may import MkDocs; nothing in core may."""
