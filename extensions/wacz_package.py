"""Packaging a run's WARCs as one WACZ, from the index lines written with the records.

`wacz create` (the `wacz` package) indexes a WARC by reading every record back with warcio and
parsing its headers in Python: about 0.8 ms a document, a sixth of a crawl's CPU, for facts
the captures extension already had when it wrote the record (URL, date, status, type,
digests, offset and length). So the extension writes each record's CDXJ fields to a sidecar
(`{warc}.cdxj`) as it goes, and packaging only sorts them and writes the WACZ with the `wacz`
package's helpers and the same layout: the same ZipNum index (cdxj_indexer's, 300 lines a
block, digests), the same page list (pages matched to their first capture, `ts` and an `id`),
the same `datapackage.json` and its digest. tests/extensions/test_wacz_package.py checks that
the result equals what `wacz create` builds from the same WARCs, and `wacz validate` accepts it.

Where a sidecar cannot be trusted (WARCs a killed run left, a sidecar that failed to write),
packaging falls back to `wacz create`, which reads the records themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from warcio.timeutils import iso_date_to_timestamp, timestamp_to_iso_date

from models.wacz import WARC_FOLDER

logger = logging.getLogger(__name__)

SIDECAR = ".cdxj"  # beside its WARC: `{warc name}.cdxj`
INDEX_BLOCK = 300  # lines a ZipNum block (cdxj_indexer's DEFAULT_NUM_LINES)
_SPACE = (";", " ", "\t")


def sidecar_of(warc: Path) -> Path:
    return warc.with_name(warc.name + SIDECAR)


def mime_of(content_type: str | None) -> str | None:
    """The index's mime: the Content-Type up to its first ';' or space (cdxj_indexer's rule)."""
    if content_type is None:
        return None
    cut = min((i for i in (content_type.find(s) for s in _SPACE) if i >= 0), default=-1)
    return (content_type[:cut] if cut >= 0 else content_type).strip()


def index_fields(record: Any, offset: int, length: int, filename: str, member_sha256: str,
                 request: list[tuple[str, str]]) -> str:  # fmt: skip
    """The sidecar line of a response or revisit record: `timestamp {fields}`, the fields in
    cdxj_indexer's order (url, mime, status, digest, length, offset, filename, recordDigest,
    then a response's request's referrer and cookie); the urlkey is added when packaging."""
    headers = record.rec_headers
    fields: dict[str, str] = {"url": headers.get_header("WARC-Target-URI")}
    if record.rec_type == "revisit":
        fields["mime"] = "warc/revisit"
    elif (mime := mime_of(record.http_headers.get_header("Content-Type"))) is not None:
        fields["mime"] = mime
    fields["status"] = str(record.http_headers.get_statuscode())
    if digest := headers.get_header("WARC-Payload-Digest"):
        fields["digest"] = digest
    fields |= {"length": str(length), "offset": str(offset), "filename": filename,
               "recordDigest": f"sha256:{member_sha256}"}  # fmt: skip
    # cdxj_indexer joins a request to its response only (concur_req_resp), not to a revisit.
    sent = {name.lower(): value for name, value in request} if record.rec_type == "response" else {}
    if "referer" in sent:
        fields["referrer"] = sent["referer"]
    if "cookie" in sent:
        fields["req.http:cookie"] = sent["cookie"]
    return f"{iso_date_to_timestamp(headers.get_header('WARC-Date'))} {json.dumps(fields)}\n"


def package(folder: Path, name: str, warcs: list[Path], indexed: bool = False) -> Path:
    """The WACZ of one run, written beside and renamed into place; then the run's WARCs, their
    sidecars and page list are removed. `indexed`: every WARC's sidecar is complete."""
    target = folder / f"{name}.wacz"
    if target.exists():  # the same job and run id of another database: keep both
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        logger.warning("captures: %s exists; this run's WACZ is %s-%s.wacz", target, name, stamp)
        target = folder / f"{name}-{stamp}.wacz"
    partial = folder / f"{name}.wacz.partial"
    pages = folder / WARC_FOLDER / f"{name}.pages.jsonl"
    lines = pages.read_text(encoding="utf-8").splitlines() if pages.exists() else []
    passed = [line for line in lines if line.strip()]
    title = f"Wilson Center Digital Archive: {name}"
    if indexed and all(sidecar_of(warc).is_file() for warc in warcs):
        write_wacz(partial, warcs, passed, title)
    else:
        create_wacz(partial, folder / WARC_FOLDER / f"{name}.pages.passed.jsonl", warcs,
                    passed, title)  # fmt: skip
    os.replace(partial, target)
    remove([*warcs, *map(sidecar_of, warcs), pages])
    return target


def create_wacz(
    partial: Path, passed: Path, warcs: list[Path], lines: list[str], title: str
) -> None:
    """`wacz create`: indexes the WARCs by reading their records."""
    from wacz.main import main as wacz_main  # 0.9 s of imports: only when packaging

    header = {"format": "json-pages-1.0", "id": "pages", "title": "Document pages"}
    passed.write_text("\n".join([json.dumps(header), *lines]) + "\n", encoding="utf-8")
    arguments = ["create", "-o", str(partial), "--title", title]
    if lines:
        arguments += ["-p", str(passed)]
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            status = wacz_main([*arguments, *map(str, warcs)])
    finally:
        passed.unlink(missing_ok=True)
    if status:
        raise RuntimeError(" ".join(output.getvalue().split())[-300:] or f"wacz exit {status}")


def write_wacz(partial: Path, warcs: list[Path], passed: list[str], title: str) -> None:
    """The WACZ `wacz create` would write, from the sidecars (see the module's docstring)."""
    import shortuuid
    from surt import surt
    from wacz.util import WACZ_VERSION, get_py_wacz_version, hash_stream, now

    # (line, url), in WARC order; each line parsed once, for its sort key and the page list
    entries = [(line, json.loads(line.partition(" ")[2])["url"])
               for warc in warcs for line in read_sidecar(sidecar_of(warc))]  # fmt: skip
    lines = sorted(f"{surt(url)} {line}\n" for line, url in entries)
    with zipfile.ZipFile(partial, "w") as wacz:
        with wacz.open(zipfile.ZipInfo("indexes/index.cdx.gz", now()), "w") as data:
            idx = write_zipnum(lines, data)
        wacz.writestr(deflated("indexes/index.idx", now()), idx.encode("utf-8"))
        for warc in warcs:
            member = zipfile.ZipInfo.from_file(warc, f"archive/{warc.name}")
            with wacz.open(member, "w") as out, warc.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
        if matched := page_list(passed, entries, shortuuid.uuid):
            header = {"format": "json-pages-1.0", "id": "pages", "title": "Document pages"}
            body = "".join(json.dumps(p) + "\n" for p in [header, *matched])
            wacz.writestr(deflated("pages/pages.jsonl", now()), body.encode("utf-8"))
        resources = []
        for member in wacz.infolist():
            with wacz.open(member) as stream:
                size, hashed = hash_stream("sha256", stream)
            resources.append({"name": os.path.basename(member.filename).lower(),
                              "path": member.filename, "hash": hashed, "bytes": size})  # fmt: skip
        package_json = json.dumps({
            "profile": "data-package", "resources": resources, "title": title,
            "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "wacz_version": WACZ_VERSION, "software": "py-wacz " + get_py_wacz_version(),
        }, indent=2).encode("utf-8")  # fmt: skip
        wacz.writestr(deflated("datapackage.json", now()), package_json)
        digest = {"path": "datapackage.json",
                  "hash": "sha256:" + hashlib.sha256(package_json).hexdigest()}  # fmt: skip
        wacz.writestr(deflated("datapackage-digest.json", now()), json.dumps(digest, indent=2))


def deflated(name: str, when: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, when)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_zipnum(lines: list[str], data: IO[bytes]) -> str:
    """The sorted CDXJ lines as ZipNum blocks of INDEX_BLOCK lines, one gzip member each,
    into `data`; returns the block index (index.idx). What cdxj_indexer's CompressedWriter
    writes (checked byte for byte by the tests), written here because importing that module
    costs 0.35 s (pyamf and pkg_resources, through its POST-request support)."""
    blocks = []
    offset = 0
    for start in range(0, len(lines), INDEX_BLOCK):
        block = lines[start : start + INDEX_BLOCK]
        compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
        member = compressor.compress("".join(block).encode("utf-8")) + compressor.flush()
        where = {"offset": offset, "length": len(member),
                 "digest": "sha256:" + hashlib.sha256(member).hexdigest()}  # fmt: skip
        blocks.append(block[0].split("{", 1)[0].strip() + " " + json.dumps(where) + "\n")
        data.write(member)
        offset += len(member)
    if not blocks:
        return ""
    meta = json.dumps({"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"})
    return f"!meta 0 {meta}\n" + "".join(blocks)


def page_list(
    passed: list[str], entries: list[tuple[str, str]], new_id: Any
) -> list[dict[str, Any]]:
    """The pages, each matched to its first capture in WARC order (http or https), with that
    capture's `ts` and an `id`; a page with no capture is left out (as `wacz create` does)."""
    wanted: dict[str, dict[str, Any]] = {}
    for line in passed:
        page = json.loads(line)
        wanted.setdefault(page.get("url", "").split("#", 1)[0], page)
    found: list[dict[str, Any]] = []
    for line, url in entries:
        ts = line.partition(" ")[0]
        _, _, body = url.partition(":")
        for key in (f"http:{body}", f"https:{body}"):
            if key in wanted:
                page = wanted.pop(key)
                page.setdefault("url", url)
                page.setdefault("title", url)
                found.append(page | {"ts": timestamp_to_iso_date(ts), "id": new_id()})
                break
    return found


def read_sidecar(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


class Sidecar:
    """A WARC's index lines, appended as its records are written."""

    def __init__(self, warc: Path) -> None:
        self.file: IO[str] | None = sidecar_of(warc).open("x", encoding="utf-8")

    def add(self, line: str) -> None:
        if self.file is None:
            return
        try:
            self.file.write(line)
            self.file.flush()
        except OSError as exc:  # the WACZ is then indexed from the records
            logger.warning("captures: index lines not written (%s); indexing at the end", exc)
            self.close()
            self.file = None

    @property
    def complete(self) -> bool:
        return self.file is not None

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
