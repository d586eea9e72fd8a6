"""Reading captures back: one WARC record of a run's WACZ (or of a WARC still under
`warcs/`, before its run packaged it), and the CDXJ index of a WACZ.

extensions/captures.py writes each record as one gzip member and keeps its offset and length
(`captures`, `da_capture`), so a record is read with one seek, never by scanning the WARC.
The WACZ stores its WARCs uncompressed in the zip (as the spec asks), so the seek is cheap.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import io
import json
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed

# Under DA_CAPTURES_DIR: WARCs being written, or left by a run that could not package them.
WARC_FOLDER = "warcs"
# A zip's local file header (APPNOTE.TXT 4.3.7): 30 bytes, then the name and the extra field.
LOCAL_HEADER_SIGNATURE, LOCAL_HEADER_SIZE = b"PK\x03\x04", 30
INDEX_MEMBERS = ("indexes/index.cdx.gz", "indexes/index.cdx", "indexes/index.cdxj")


class CaptureMissing(LookupError):
    """The WACZ (or WARC) a capture names is not in the captures folder."""


class CaptureDamaged(ValueError):
    """The bytes at a capture's offset are not its record, or not its payload."""


@dataclass
class CapturedResponse:
    url: str
    status: int
    protocol: str
    headers: list[tuple[str, str]]  # as the server sent them (transfer headers renamed)
    payload: bytes  # the body as sent (still in its Content-Encoding)
    record_id: str
    record_type: str  # response | revisit
    date: str  # WARC-Date
    payload_digest: str | None

    @property
    def body(self) -> bytes:
        """The body as a browser reads it (Content-Encoding undone). Only on demand: a
        re-parse hands Scrapy the payload, whose middleware undoes the encoding itself."""
        encoding = next((v for k, v in self.headers if k.lower() == "content-encoding"), None)
        return _decoded(self.payload, encoding)


def locate(folder: Path, wacz: str, warc: str) -> tuple[Path, str | None]:
    """(file, zip member or None) holding a WARC: in its run's WACZ, else still in warcs/."""
    packaged = folder / wacz
    if packaged.is_file():
        return packaged, f"archive/{warc}"
    loose = folder / WARC_FOLDER / warc
    if loose.is_file():
        return loose, None
    raise CaptureMissing(f"{wacz} is not in {folder} (nor {warc} in {folder / WARC_FOLDER})")


def read_member(folder: Path, wacz: str, warc: str, offset: int, length: int) -> bytes:
    """The gzip member of one record, as stored: one seek into the file."""
    path, member = locate(folder, wacz, warc)
    start = 0 if member is None else stored_member_start(path, path.stat().st_mtime_ns, member)
    with path.open("rb") as file:
        file.seek(start + offset)
        return file.read(length)


@functools.lru_cache(maxsize=256)
def stored_member_start(path: Path, mtime_ns: int, member: str) -> int:
    """Where a stored (uncompressed) zip member's bytes begin in the zip file. zipfile's own
    seek reads and checksums every byte before the offset (quadratic over a crawl's WARC),
    so the record is read from the file directly. (`mtime_ns`: a rewritten file is looked up
    again.)"""
    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo(member)
        except KeyError:
            raise CaptureMissing(f"{path.name} holds no {member}") from None
    if info.compress_type != zipfile.ZIP_STORED:
        raise CaptureDamaged(f"{member} is compressed in {path.name} (a WACZ stores its WARCs)")
    with path.open("rb") as file:
        file.seek(info.header_offset)
        header = file.read(LOCAL_HEADER_SIZE)
    if len(header) != LOCAL_HEADER_SIZE or header[:4] != LOCAL_HEADER_SIGNATURE:
        raise CaptureDamaged(f"{path.name}: no local header for {member}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + LOCAL_HEADER_SIZE + name_length + extra_length


def read_capture(
    folder: Path, wacz: str, warc: str, offset: int, length: int, record_id: str | None = None
) -> CapturedResponse:
    """The response record at (offset, length), checked against its record id and its
    payload digest."""
    data = read_member(folder, wacz, warc, offset, length)
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data))))
    except (StopIteration, OSError, EOFError, ValueError, ArchiveLoadFailed) as exc:
        raise CaptureDamaged(f"no WARC record at {warc}:{offset}: {exc}") from None
    headers = record.rec_headers
    found_id = headers.get_header("WARC-Record-ID")
    if record_id is not None and found_id != record_id:
        raise CaptureDamaged(f"{warc}:{offset} is record {found_id}, not {record_id}")
    http = record.http_headers
    payload = record.raw_stream.read()
    digest = headers.get_header("WARC-Payload-Digest")
    if digest and digest.startswith("sha1:"):
        actual = base64.b32encode(hashlib.sha1(payload).digest()).decode()
        if actual != digest.removeprefix("sha1:"):
            raise CaptureDamaged(f"the payload of {found_id} does not match its digest")
    return CapturedResponse(
        url=headers.get_header("WARC-Target-URI") or "",
        status=int(http.get_statuscode() or 0) if http else 0,
        protocol=(http.protocol if http else "") or "HTTP/1.1",
        headers=list(http.headers) if http else [],
        payload=payload,
        record_id=found_id or "",
        record_type=record.rec_type,
        date=headers.get_header("WARC-Date") or "",
        payload_digest=digest,
    )


def _decoded(payload: bytes, encoding: str | None) -> bytes:
    """The body with its Content-Encoding undone, by warcio's own decompressors."""
    encoding = (encoding or "").strip().lower()
    if not encoding or encoding not in BufferedReader.get_supported_decompressors():
        return payload
    try:
        return bytes(BufferedReader(io.BytesIO(payload), decomp_type=encoding).read())
    except Exception as exc:
        raise CaptureDamaged(f"the body's {encoding} encoding cannot be undone: {exc}") from None


@dataclass(frozen=True)
class IndexEntry:
    """One line of a WACZ's CDXJ index."""

    url: str
    timestamp: str  # 14 digits
    status: int
    warc: str
    offset: int
    length: int
    revisit: bool


def read_index(wacz: Path) -> Iterator[IndexEntry]:
    """The CDXJ lines of a WACZ (`wacz create` writes them; pywb reads the same)."""
    with zipfile.ZipFile(wacz) as archive:
        names = set(archive.namelist())
        member = next((m for m in INDEX_MEMBERS if m in names), None)
        if member is None:
            raise CaptureDamaged(f"{wacz.name} has no CDXJ index")
        data = archive.read(member)
    if member.endswith(".gz"):
        data = gzip.decompress(data)
    for line in data.decode("utf-8").splitlines():
        parts = line.split(" ", 2)
        if len(parts) < 3 or not parts[2].startswith("{"):
            continue
        fields = json.loads(parts[2])
        status = str(fields.get("status") or "0")
        yield IndexEntry(
            url=fields["url"],
            timestamp=parts[1],
            status=int(status) if status.isdigit() else 0,
            warc=fields["filename"],
            offset=int(fields["offset"]),
            length=int(fields["length"]),
            revisit=fields.get("mime") == "warc/revisit" or status == "304",
        )


def job_of(wacz: Path) -> dict[str, object]:
    """The crawl a WACZ holds (its first warcinfo record's `da-spider`, `da-arguments`,
    `da-base-url`), so that it can be crawled again from its captures."""
    with zipfile.ZipFile(wacz) as archive:
        members = sorted(n for n in archive.namelist() if n.startswith("archive/"))
        if not members:
            raise CaptureDamaged(f"{wacz.name} holds no WARC")
        with archive.open(members[0]) as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "warcinfo":
                    break
                info = dict(
                    line.split(":", 1)
                    for line in record.content_stream().read().decode("utf-8").splitlines()
                    if ":" in line
                )
                spider = info.get("da-spider", "").strip()
                if spider:
                    return {
                        "spider": spider,
                        "arguments": json.loads(info.get("da-arguments", "{}").strip() or "{}"),
                        "base_url": info.get("da-base-url", "").strip() or None,
                    }
                break
    raise CaptureDamaged(f"{wacz.name} does not say which crawl it holds (no da-spider)")
