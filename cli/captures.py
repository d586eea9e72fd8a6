"""`da show ID --capture` and `da capture ID -o FILE`: where a document's bytes are, and the
bytes themselves, read back from the run's WACZ (models/wacz.py) with one seek.

The captures folder is `--captures DIR`, else $DA_CAPTURES_DIR, else data/captures, as for
the crawl that wrote them; a WARC not packaged yet (its run still going, or killed) is read
from the folder's warcs/.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from cli.output import UserError
from cli.reparse import captures_folder
from models.readonly import Connection, run
from models.wacz import CaptureDamaged, CaptureMissing, locate, read_capture

COLUMNS = ("wacz", "warc", "offset", "length", "record_id", "payload_digest", "url", "fetched_at")


def capture_of(conn: Connection, doc_id: int, record: str) -> dict[str, Any]:
    """The captures row of a document (a usage error when it has none)."""
    row = (
        run(
            conn,
            f"SELECT {', '.join('c.' + c for c in COLUMNS)} FROM captures c "
            "JOIN documents d ON d.capture_id = c.id WHERE d.id = :id",
            {"id": doc_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise UserError(f"document {record!r} has no capture (crawled with DA_CAPTURES=0?)")
    return {k: (str(v) if k == "fetched_at" else v) for k, v in row.items()}


def capture_details(capture: dict[str, Any], folder: Path | None) -> dict[str, Any]:
    """The row, and the file the record is in now (or why it cannot be found)."""
    folder = folder or captures_folder()
    try:
        path, member = locate(folder, capture["wacz"], capture["warc"])
        where = f"{path}" + (f" ({member})" if member else "")
    except CaptureMissing as exc:
        where = f"missing: {exc}"
    return {**capture, "file": where}


def write_capture(capture: dict[str, Any], folder: Path | None, output: str) -> str:
    """Write the captured body (as a browser reads it) to `output` ('-': stdout)."""
    folder = folder or captures_folder()
    try:
        captured = read_capture(folder, capture["wacz"], capture["warc"], int(capture["offset"]),
                                int(capture["length"]), capture["record_id"])  # fmt: skip
        body = captured.body
    except (CaptureMissing, CaptureDamaged) as exc:
        raise UserError(str(exc)) from None
    if output == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        try:
            Path(output).write_bytes(body)
        except OSError as exc:
            raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    return (
        f"{len(body):,} bytes of {captured.url} (HTTP {captured.status}, captured "
        f"{captured.date}) from {capture['wacz']} -> {output}"
    )
