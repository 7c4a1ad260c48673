"""`backoffice storage copy`: every stored object of one store into another (the data
folder into a bucket when an installation grows past one machine, or back).

Resumable: an object already at the target with the same sha256 is skipped, and every
write is whole or absent (temp file then rename; a single S3 PUT), so a copy stopped
anywhere is simply run again.

Verified by hash, always against the bytes actually stored at the target, read back:
- images and uploads are named by the sha256 of their bytes, so their bytes are checked
  against their very name (which also proves the source copy intact);
- derived files (interior/cover PDFs, bundles, thumbnails, previews) are named by a hash
  of the inputs they were built from, so their name says nothing of their bytes: their
  target copy is checked against the sha256 of the source's bytes. They can be rebuilt
  from the images at any time, and are rebuilt when missing.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backoffice.storage.protocol import Storage, StorageError, parse_key

ProgressCallback = Callable[[int, int, int, str], None]  # done, total, bytes, key


@dataclass
class CopyReport:
    total: int = 0
    copied: int = 0
    already_there: int = 0
    bytes_copied: int = 0
    # Named by the hash of their bytes (images, uploads) / by their inputs (PDFs, zips).
    content_addressed: int = 0
    derived: int = 0
    failed: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = [
            f"{self.total} objects: {self.copied} copied ({self.bytes_copied / 1e6:.1f} MB), "
            f"{self.already_there} already there with the same sha256",
            f"verified: {self.content_addressed} images and uploads whose bytes match "
            f"their name, {self.derived} derived files (PDFs, bundles, thumbnails) "
            "matching the source's sha256",
        ]
        lines += [f"FAILED {key}: {reason}" for key, reason in sorted(self.failed.items())]
        return lines


def copy_objects(source: Storage, target: Storage, *, workdir: Path,
                 on_progress: ProgressCallback | None = None) -> CopyReport:
    """Copy every object of `source` missing (or different) at `target`. An object that
    fails is recorded and the copy goes on; run it again to retry those."""
    report = CopyReport()
    keys = sorted(source.keys())
    report.total = len(keys)
    workdir.mkdir(parents=True, exist_ok=True)
    for done, key in enumerate(keys, start=1):
        try:
            _copy_one(source, target, key, workdir, report)
        except (StorageError, OSError) as exc:
            report.failed[key] = str(exc)
        if on_progress is not None:
            on_progress(done, report.total, report.bytes_copied, key)
    return report


def _copy_one(source: Storage, target: Storage, key: str, workdir: Path,
              report: CopyReport) -> None:
    stem, suffix = parse_key(key)
    # Compared first by hash: a resumed copy transfers nothing already there.
    recorded = source.sha256(key)
    if recorded is not None and target.sha256(key) == recorded:
        _classify(report, stem, recorded)
        report.already_there += 1
        return
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        local = Path(folder) / ("object" + suffix)
        digest = hashlib.sha256()
        size = 0
        with local.open("wb") as out:
            for chunk in source.open(key).chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        if recorded is not None and recorded != sha256:
            raise StorageError("the source's bytes do not match their recorded sha256",
                               retryable=True)
        target.write_verified(key, local, sha256)
    _classify(report, stem, sha256)
    report.copied += 1
    report.bytes_copied += size


def _classify(report: CopyReport, stem: str, sha256: str) -> None:
    if sha256 == stem:
        report.content_addressed += 1
    else:
        report.derived += 1
