"""The one judge of hostile input: the allow-list sanitiser and the finder of active content (`sanitise`), the
content policy that turns its findings into errors (`content_policy`), the project boundary (nothing outside
the project is published) and the Markdown nesting guard."""
