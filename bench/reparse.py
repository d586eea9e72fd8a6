"""`da reparse` benchmark (issue 12): a crawl of the synthetic mirror with captures on, then
the same crawl re-parsed from its WACZ into an empty SQLite file, without network. Reported:
documents per second (wall) of each, CPU per document, and whether the rebuilt database
holds the same documents. Target: reparse >= 800 documents/s on this 2-core machine."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.crawl import PYTHON, db_rows, measured, mirror, ours

DA = str(Path(PYTHON).parent / "da")
TARGET_DOCUMENTS_PER_S = 800


def run(documents: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        captures = work / "captures"
        crawl_db, rebuilt_db = work / "crawl.db", work / "rebuilt.db"
        with mirror(documents) as base:
            crawl = measured(
                ours(base, str(crawl_db), f"DA_CAPTURES_DIR={captures}", "DA_CAPTURES=1")
            )
        reparse = measured(
            [DA, "--db", f"sqlite:///{rebuilt_db}", "reparse", "--captures", str(captures)]
        )
        count = "SELECT count(*) FROM documents"
        stored = db_rows(str(crawl_db), count)[0][0]
        rebuilt = db_rows(str(rebuilt_db), count)[0][0] if rebuilt_db.exists() else 0
        hashes = "SELECT record_id, content_hash FROM documents ORDER BY record_id"
        same = rebuilt_db.exists() and db_rows(str(crawl_db), hashes) == db_rows(
            str(rebuilt_db), hashes
        )
        wacz_mb = sum(p.stat().st_size for p in captures.glob("*.wacz")) / 1e6
    return {
        "documents": stored,
        "wacz_mb": round(wacz_mb, 1),
        "crawl_documents_per_s": round(stored / crawl["wall_s"], 1),
        "crawl_cpu_ms_per_document": round(1000 * crawl["cpu_s"] / max(stored, 1), 2),
        "reparse_documents_per_s": round(rebuilt / reparse["wall_s"], 1),
        "reparse_cpu_ms_per_document": round(1000 * reparse["cpu_s"] / max(rebuilt, 1), 2),
        "reparse_wall_s": round(reparse["wall_s"], 2),
        "reparse_returncode": reparse["returncode"],
        "rebuilt_documents": rebuilt,
        "same_documents": same,
        "target_documents_per_s": TARGET_DOCUMENTS_PER_S,
    }


def print_reparse(r: dict[str, Any]) -> None:
    print(f"\nRe-parse from captures ({r['documents']} documents, WACZ {r['wacz_mb']} MB)")
    print(f"crawl with captures: {r['crawl_documents_per_s']} documents/s, "
          f"{r['crawl_cpu_ms_per_document']} ms CPU per document")  # fmt: skip
    print(f"da reparse:          {r['reparse_documents_per_s']} documents/s, "
          f"{r['reparse_cpu_ms_per_document']} ms CPU per document "
          f"(target >= {r['target_documents_per_s']}/s); exit {r['reparse_returncode']}, "
          f"{r['rebuilt_documents']} rebuilt, same documents: {r['same_documents']}")  # fmt: skip
