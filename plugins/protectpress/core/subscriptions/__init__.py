"""Email sign-up: the form (on the Subscribe page and the service's own pages) and the consent wording."""
