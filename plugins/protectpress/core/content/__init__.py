"""The content model: the typed pages comms staff write in docs/ (guidance, action cards, conference
write-ups, news, pages), read and validated once, and the words of their change notes."""
