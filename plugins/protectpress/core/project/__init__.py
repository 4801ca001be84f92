"""The whole project read at once (settings, content, newsletters, every problem) for `check` and builds, and
the urgent notice that the site, the feeds and the email all carry."""
