"""The protectpress core. Nothing under this package may import MkDocs or Material.

MkDocs 1.x is frozen and Material for MkDocs reaches end of life in May 2027: keeping the content model,
feeds, email and sending here means a move to another site generator rewrites only the thin adapters.
"""
