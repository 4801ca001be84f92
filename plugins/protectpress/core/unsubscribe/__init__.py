"""One-click unsubscribe: signed per-recipient links, the service's address, and pulling its events back."""
