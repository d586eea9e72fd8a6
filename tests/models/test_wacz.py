"""Reading captures back (models/wacz.py): one record by its offset and length, checked
against its record id and payload digest; a missing file or damaged bytes are named."""

from __future__ import annotations

import io
import zlib

import pytest
from warcio.statusandheaders import StatusAndHeaders

from extensions.captures import WarcFile, gzip_member
from models.wacz import WARC_FOLDER, CaptureDamaged, CaptureMissing, read_capture

BODY = "<html><body><p>Ciphered telegram [/illegible] — Filippov</p></body></html>".encode()


@pytest.fixture
def written(tmp_path):
    """One response record, gzip-encoded body, in a WARC under warcs/ (not packaged yet)."""
    folder = tmp_path / WARC_FOLDER
    folder.mkdir()
    warc = WarcFile.create(folder / "job-1-20261202000000-00001.warc.gz")
    encoded = zlib.compress(BODY, wbits=zlib.MAX_WBITS + 16)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], protocol="HTTP/1.1"
    )
    record = warc.writer.create_warc_record(
        "https://digitalarchive.wilsoncenter.org/document/1", "response",
        payload=io.BytesIO(encoded), length=len(encoded), http_headers=headers,
    )  # fmt: skip
    offset, length = warc.write(record)
    warc.close()
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    return tmp_path, warc.path, offset, length, record_id, encoded


def test_a_record_reads_back_with_its_body_decoded(written):
    folder, path, offset, length, record_id, encoded = written
    captured = read_capture(folder, "job-1.wacz", path.name, offset, length, record_id)
    assert (captured.status, captured.payload, captured.body) == (200, encoded, BODY)
    assert captured.url == "https://digitalarchive.wilsoncenter.org/document/1"
    assert captured.record_type == "response" and captured.record_id == record_id


def test_another_record_id_is_refused(written):
    folder, path, offset, length, _, _ = written
    with pytest.raises(CaptureDamaged, match="not <urn:uuid:other>"):
        read_capture(folder, "job-1.wacz", path.name, offset, length, "<urn:uuid:other>")


def test_a_changed_payload_does_not_match_its_digest(written):
    folder, path, offset, length, record_id, encoded = written
    data = path.read_bytes()
    member = zlib.decompress(data[offset : offset + length], wbits=zlib.MAX_WBITS + 16)
    changed = member.replace(encoded, zlib.compress(b"x" * len(BODY), wbits=31)[: len(encoded)])
    assert changed != member
    forged = gzip_member(changed)
    path.write_bytes(data[:offset] + forged)
    with pytest.raises(CaptureDamaged, match="does not match its digest"):
        read_capture(folder, "job-1.wacz", path.name, offset, len(forged), record_id)


def test_bytes_that_are_no_record_are_named(written):
    folder, path, offset, length, record_id, _ = written
    with pytest.raises(CaptureDamaged, match="no WARC record at"):
        read_capture(folder, "job-1.wacz", path.name, offset + 3, length - 3, record_id)


def test_a_missing_file_names_where_it_was_looked_for(written, tmp_path):
    _, path, offset, length, record_id, _ = written
    with pytest.raises(CaptureMissing, match=r"job-1\.wacz is not in"):
        read_capture(tmp_path / "elsewhere", "job-1.wacz", path.name, offset, length, record_id)
