"""What every part of the core uses: settings (`config`), the one list of problems, dates and "now", the URL
maker (`links`), slugs, the emergency line, header-text rules, email addresses, files holding personal data,
signed tokens and the service's address. Imports nothing else of the core."""
