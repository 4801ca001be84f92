"""What a build may read and publish from the filesystem: files inside the project, and never personal data.

MkDocs walks `docs/` following every symbolic link and copies what it finds, so a link to `/etc/passwd`, to a
folder elsewhere on the machine or to the recipients list would be published as it stands (and indexed by
search). A hard link is a second name for the same file, and nothing tells where the other name is: a file with
more than one name is refused like a symbolic link out of the project (and named as personal data when the other
name is a sending journal or the suppression list). This is the one rule that decides, for a page, an asset, a theme
file or a newsletter source, whether the build may use it; `check`, `build` and `serve` all apply it before
MkDocs walks a single folder.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path

from ..foundation.problems import Problems
from ..foundation.settings import SendingSettings, Settings
from ..foundation.site_paths import JOURNAL_FOLDER, SUPPRESSED_FILE

EXPECTED_INSIDE = ("expected a file or folder inside the project (a link that leads out of the project folder is "
                   "never published)")
EXPECTED_PUBLIC = ("expected no personal data among published files (recipient lists, suppressed.csv, send "
                   "records and the outbox are never published, whatever links to them)")
EXPECTED_EXISTING = "expected a link to a file or folder that exists"
EXPECTED_NO_CIRCLE = "expected a link to a folder that does not contain the link (the build would go round in circles)"
EXPECTED_READABLE = "expected a folder the build can read"

# Folders of tools, never of the project's own files: not searched for personal data that a hard link might name.
_TOOL_FOLDERS = ("node_modules", "__pycache__", "site")
# Personal data by name, wherever it is: a recipients CSV may be saved anywhere, under any prefix or suffix.
PRIVATE_FILE_NAMES = ("recipients*.csv", SUPPRESSED_FILE)
PRIVATE_FOLDER_NAMES = (JOURNAL_FOLDER,)


@dataclass(frozen=True)
class Refusal:
    """Why one path may not be used, in the words of a problem: what was expected, what was found."""

    expected: str
    found: str


@dataclass(frozen=True)
class ProjectBoundary:
    project_dir: Path  # resolved
    private_folders: tuple[Path, ...]  # resolved: the sending journals and the outbox
    private_files: tuple[Path, ...]  # resolved: the suppression list

    @classmethod
    def of(cls, settings: Settings) -> ProjectBoundary:
        return cls.around(settings.project_dir, settings.plugin.sending)

    @classmethod
    def around(cls, project_dir: Path, sending: SendingSettings | None = None) -> ProjectBoundary:
        sending = sending or SendingSettings()
        root = project_dir.resolve()

        def place(value: str) -> Path:
            return (root / value).resolve()

        return cls(root, (place(sending.journal_dir), place(sending.outbox_dir)), (place(sending.suppression_file),))

    def refusal(self, path: Path, *, also_inside: Path | None = None, real: Path | None = None,
                is_link: bool | None = None) -> Refusal | None:
        """Why `path` (a file or folder, a link or not) may not be read for the site, or None when it may.
        `also_inside` is a folder the project names on purpose (its docs_dir, wherever that is); a walk that
        already knows `real` (where the path leads) and `is_link` passes them to save asking the system."""
        is_link = path.is_symlink() if is_link is None else is_link
        real = real or path.resolve()
        pointed = f"a link to {self.shown(real)}" if is_link else None
        if not _within(real, self.project_dir) and not (also_inside and _within(real, also_inside)):
            return Refusal(EXPECTED_INSIDE, pointed or f"{real}, outside the project")
        if is_link and not os.path.exists(real):
            return Refusal(EXPECTED_EXISTING, f"{pointed}, which does not exist")
        private = self._private_kind(path, real)
        if private is not None:
            return Refusal(EXPECTED_PUBLIC, f"{pointed}, {private}" if pointed else private)
        hard = self._hard_link(str(real))
        if hard is not None:
            return Refusal(hard.expected, f"{pointed}, {hard.found}" if pointed else hard.found)
        return None

    def named_outside(self, folder: Path) -> Path | None:
        """`folder` resolved when mkdocs.yml names it outside the project on purpose (a docs_dir kept elsewhere),
        so what is in it may be read as `also_inside`; None for a folder named inside the project, which must not
        lead out of it even when it is a link."""
        return None if _within(folder.parent.resolve(), self.project_dir) else folder.resolve()

    def files_under(self, folder: Path, shown_folder: str, problems: Problems) -> list[str]:
        """Every file under `folder` that a build may publish, relative to it, found the way MkDocs finds them
        (following links), with an error for each path refused. A refused folder is never entered, so a link
        to `/` costs nothing."""
        found: list[str] = []
        if not folder.is_dir():
            return found
        root = folder.resolve()
        also_inside = self.named_outside(folder)
        if also_inside is None:
            # docs/ (or overrides/) is itself a link that may lead out of the project.
            refusal = self.refusal(folder)
            if refusal is not None:
                problems.error(shown_folder, refusal.expected, refusal.found)
                return found

        def shown(relative: str) -> str:
            return f"{shown_folder}/{relative}" if shown_folder else relative

        def walk(path: str, relative: str, chain: tuple[str, ...]) -> None:
            try:
                entries = sorted(os.scandir(path), key=lambda entry: entry.name)
            except OSError as error:
                problems.error(shown(relative) if relative else shown_folder, EXPECTED_READABLE,
                               error.strerror or type(error).__name__)
                return
            for entry in entries:
                child_relative = posixpath.join(relative, entry.name)
                if entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    refusal = self.refusal(Path(entry.path), also_inside=also_inside, real=Path(real), is_link=True)
                    if refusal is None and entry.is_dir() and any(_within(ancestor, real) for ancestor in chain):
                        refusal = Refusal(EXPECTED_NO_CIRCLE, f"a link to {self.shown(Path(real))}")
                else:
                    # Not a link: it is where its folder is, inside the project, so only its name and place matter.
                    # (This runs for every file of the site: no question to the system, no Path objects.)
                    real = os.path.join(chain[-1], entry.name)
                    private = self._private_name(entry.name) or self._private_place(real)
                    refusal = Refusal(EXPECTED_PUBLIC, private) if private else (
                        self._hard_link(real) if entry.is_file(follow_symlinks=False) else None)
                if refusal is not None:
                    problems.error(shown(child_relative), refusal.expected, refusal.found)
                elif entry.is_dir():
                    walk(entry.path, child_relative, (*chain, real))
                else:
                    found.append(child_relative)

        walk(str(folder), "", (str(root),))
        return found

    def shown(self, real: Path) -> str:
        """A resolved path as messages show it: relative inside the project, absolute outside."""
        if real == self.project_dir:
            return "the project folder itself"
        return real.relative_to(self.project_dir).as_posix() if _within(real, self.project_dir) else str(real)

    def _private_kind(self, path: Path, real: Path) -> str | None:
        return self._private_name(path.name) or self._private_place(str(real)) or self._private_name(real.name)

    @staticmethod
    def _private_name(name: str) -> str | None:
        name = name.lower()
        if fnmatch.fnmatchcase(name, PRIVATE_FILE_NAMES[0]):
            return "a recipients list"
        if name == PRIVATE_FILE_NAMES[1]:
            return "the suppression list"
        if name in PRIVATE_FOLDER_NAMES:
            return "personal data from a send record"
        return None

    def _private_place(self, real: str) -> str | None:
        if real in self._private_file_names:
            return "the suppression list"
        if any(_within(real, folder) for folder in self._private_folder_names):
            return "personal data from the send records or the outbox"
        return None

    def _hard_link(self, real: str) -> Refusal | None:
        """Why a file with more than one name may not be published: "a hard link to newsletters/suppressed.csv,
        ..." when it is another name for a file of personal data in the project, and otherwise because its other
        name may be anywhere on this machine (a hard link to /etc/shadow's copy looks like any file here). Only a
        file with more than one name is looked up among the private files, so a normal build asks nothing more."""
        try:
            status = os.stat(real, follow_symlinks=False)
        except OSError:
            return None
        if status.st_nlink < 2 or not stat.S_ISREG(status.st_mode):  # a folder always has two names or more
            return None
        private = self._private_inodes.get((status.st_dev, status.st_ino))
        if private is not None and private[0] != real:
            return Refusal(EXPECTED_PUBLIC, f"a hard link to {self.shown(Path(private[0]))}, {private[1]}")
        return Refusal(EXPECTED_INSIDE, f"a hard link (the same file under {status.st_nlink} names, one of which may "
                                        "be outside the project): copy the file instead")

    @functools.cached_property
    def _private_inodes(self) -> dict[tuple[int, int], tuple[str, str]]:
        """(device, inode) -> (path, what it is) of every file of personal data in the project: the journals, the
        outbox, the suppression list and each recipients list, wherever it is saved (tools' folders aside)."""
        found: dict[tuple[int, int], tuple[str, str]] = {}
        for folder, folders, files in os.walk(self.project_dir):
            inside_private = self._private_place(folder) is not None or any(
                part in PRIVATE_FOLDER_NAMES for part in Path(folder).parts)
            folders[:] = [name for name in folders
                          if name in PRIVATE_FOLDER_NAMES or inside_private
                          or not (name.startswith(".") or name in _TOOL_FOLDERS)]
            for name in files:
                path = os.path.join(folder, name)
                kind = (self._private_name(name) or self._private_place(path)
                        or ("personal data from a send record" if inside_private else None))
                if kind is None:
                    continue
                try:
                    status = os.stat(path, follow_symlinks=False)
                except OSError:
                    continue
                found.setdefault((status.st_dev, status.st_ino), (path, kind))
        return found

    @property
    def _private_file_names(self) -> tuple[str, ...]:
        return tuple(map(str, self.private_files))

    @property
    def _private_folder_names(self) -> tuple[str, ...]:
        return tuple(map(str, self.private_folders))


def _within(path: Path | str, folder: Path | str) -> bool:
    # Compared as text: this runs for every file of the site, and both paths are already resolved.
    inside, outside = str(path), str(folder)
    return inside == outside or inside.startswith(outside.rstrip(os.sep) + os.sep)
