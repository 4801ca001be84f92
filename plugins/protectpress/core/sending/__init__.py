"""Sending newsletters: recipients and suppression, the send journal, SMTP and outbox transports, the send loop.

Data flows one way: recipients CSV -> audience (suppression, sectors) -> one composed message each ->
transport, with the journal recording each step so that a run can stop at any moment and resume.
"""
