"""Email sign-up and leaving: the Subscribe page, the sign-up form and consent wording, and pulling the
subscriptions service's records (sign-ups, unsubscribes) back into the project."""
