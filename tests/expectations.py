"""What the parsers must give for a fixture document, derived from fixtures/data/documents.toml
(the data the mirror pages were generated from), independently of the parsers."""

from __future__ import annotations

from conftest import build, live_url


def expected_fields(doc: dict) -> dict:
    generation = doc["generation"]
    legacy = generation == "legacy"
    if legacy:
        folder = f"/assets/media_files/000/{doc['record_id'][-3:]}/"
    else:
        folder = "/sites/default/files/shared-media/imported_document_original_file/"
    originals = [live_url(folder + name) for name in doc["original_pdf"]]
    versions = [("original", None, url) for url in originals]
    versions += [("translation", lang, None) for lang in doc["translation_languages"]]
    versions += [("transcript", lang, None) for lang in doc["transcript_languages"]]
    return {
        "title": doc["title"],
        "date_text": build.display_date(doc["date"], generation) or None,
        "summary": doc["summary"] or None,
        "authors": doc["authors"],
        "people": doc["people"],
        "places": doc["places"],
        "topics": [] if legacy else doc["topics"],
        "subjects": doc["subjects"],
        "source": doc["source"] or None,
        "original_archives": doc["original_archives"],
        "languages": doc["languages"],
        "uploaded_date": doc["uploaded"],
        "donors": doc["donors"],
        "classification": doc["classification"] or None,
        "document_type": doc["doc_type"] or None,
        "record_id": doc["record_id"],
        "node_id": None if legacy else doc["node_id"],
        "site_generation": generation,
        "canonical_url": live_url(f"/document/{doc['record_id'] if legacy else doc['slug']}"),
        "download_url": (originals[0] if originals else None)
        if legacy
        else live_url(f"/document/{doc['node_id']}/download"),
        "versions": versions,
        "text": expected_text(doc),
        "collections": [build.COLLECTION_ID] if legacy else [],
    }


def expected_text(doc: dict) -> str | None:
    if "English" in doc["translation_languages"]:
        return "\n\n".join(" ".join(p.split()) for p in doc["body"])
    if doc["translation_languages"]:
        return f"[{doc['translation_languages'][0]}] {' '.join(doc['body'][0].split())}"
    if doc["transcript_languages"]:
        return f"[{doc['transcript_languages'][0]} transcript] {' '.join(doc['body'][0].split())}"
    return None


def page_path(doc: dict) -> str:
    if doc["generation"] == "legacy":
        return f"document/{doc['record_id']}.html"
    return f"document/{doc['slug']}.html"


def page_url(doc: dict) -> str:
    return live_url("/" + page_path(doc).removesuffix(".html"))
