"""The outbox: each message written as an `.eml` file instead of sent, for a send with no relay."""

from __future__ import annotations

import re
from pathlib import Path

from ..foundation.private_files import private_folder, replace_private
from .transport import DeliveryResult, Outcome


class Outbox:
    """Writes each message as `<folder>/<address>.eml`, which any mail program opens. Nothing is sent."""

    def __init__(self, folder: Path, shown_as: str) -> None:
        self.folder = folder
        self.description = shown_as
        self._folder_made = False  # made on the first message, not here: a dry run must write nothing

    def deliver(self, sender: str, recipient: str, data: bytes) -> DeliveryResult:
        if not self._folder_made:
            private_folder(self.folder)  # file names are addresses: the listing is personal data too
            self._folder_made = True
        path = self.folder / f"{outbox_file_stem(recipient)}.eml"
        replace_private(path, data)
        return DeliveryResult(Outcome.SENT, f"written to {self.description}/{path.name}")

    def close(self) -> None:
        pass


def outbox_file_stem(address: str) -> str:
    """A safe file name for an address, in lower case, so one person has one file."""
    return re.sub(r"[^a-z0-9@._+-]", "_", address.strip().lower())
