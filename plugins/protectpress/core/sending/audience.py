"""Who a newsletter goes to: the recipients left after the suppression list and the sector filter."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .recipients import Recipient, RecipientList
from .suppression import SuppressionList


@dataclass
class Audience:
    """The recipients a newsletter goes to, after the suppression list and the sector filter."""

    deliverable: list[Recipient] = field(default_factory=list)
    suppressed: int = 0
    other_sectors: int = 0


def audience_of(recipients: Iterable[Recipient], suppression: SuppressionList,
                newsletter_sectors: list[str] | tuple[str, ...], left_out: Audience) -> Iterator[Recipient]:
    """The recipients the newsletter goes to, one at a time, counting those left out into `left_out`."""
    for recipient in recipients:
        if recipient.address in suppression:
            left_out.suppressed += 1
        elif not recipient.wants(newsletter_sectors):
            left_out.other_sectors += 1
        else:
            yield recipient


def choose_audience(
    listing: RecipientList, suppression: SuppressionList, newsletter_sectors: list[str] | tuple[str, ...]
) -> Audience:
    """The whole audience as a list (a small list, or a test); a send streams it with `audience_of`."""
    audience = Audience()
    audience.deliverable = list(audience_of(listing.each(), suppression, newsletter_sectors, audience))
    return audience
