"""The SHA-256 of an input file, read once per process for an unchanged file: the build cache's key and
ingest's provenance both ask for it, and the cache hands over the hashes it remembers from earlier builds
(``remember``) without importing ingest."""

from __future__ import annotations

import hashlib
from pathlib import Path

# this process's hashes, by path, size, modification and change times and inode
_HASHED: dict[tuple, str] = {}


def file_stamp(path: Path) -> tuple:
    """What says a file is unchanged: its absolute path, size, modification and change times and inode."""
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def remember(stamp: tuple, sha256: str) -> None:
    """A hash known without reading the file (the build cache's record of an unchanged file)."""
    _HASHED[stamp] = sha256


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, computed once per process for an unchanged file."""
    stamp = file_stamp(path)
    if stamp not in _HASHED:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _HASHED[stamp] = digest.hexdigest()
    return _HASHED[stamp]
