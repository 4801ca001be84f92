"""The `protectpress` plugin block as MkDocs sees it.

Each group is passed through as a plain mapping and read by `protectpress.core.foundation.config`, so that the one
schema serves MkDocs builds and the MkDocs-free `protectpress` command alike.
"""

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class ProtectpressConfig(Config):
    enabled = opt.Type(bool, default=True)
    vocabulary = opt.Type(dict, default={})
    feeds = opt.Type(dict, default={})
    newsletter = opt.Type(dict, default={})
    sending = opt.Type(dict, default={})
    offline = opt.Type(dict, default={})
    brand = opt.Type(dict, default={})
