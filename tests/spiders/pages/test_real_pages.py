"""The real captured page in ../shared/site/real/ (absent in a plain clone: skipped then)."""

from __future__ import annotations

import pytest
from conftest import SHARED_REAL, live_url

from items import Version, VersionType
from spiders.pages import detect_page, parse_current_document

REAL_DOCUMENT = SHARED_REAL / "document-aide-memoire-meeting-hamdi-o-mouknass.html"
REAL_SHELL = SHARED_REAL / "page-shell-head-and-header.html"
pytestmark = pytest.mark.skipif(
    not REAL_DOCUMENT.exists(), reason="../shared/site/real/ not present"
)
URL = live_url("/document/aide-memoire-meeting-hamdi-o-mouknass")


@pytest.fixture(scope="module")
def item():
    return parse_current_document(REAL_DOCUMENT.read_text(encoding="utf-8"), URL)


def test_real_page_is_a_current_document_not_a_challenge():
    """It carries Cloudflare's inline /cdn-cgi/challenge-platform script all the same."""
    html = REAL_DOCUMENT.read_text(encoding="utf-8")
    assert "/cdn-cgi/challenge-platform/" in html
    kind = detect_page(html, URL)
    assert (kind.type, kind.generation) == ("document", "current")


def test_real_shell_is_not_a_document():
    assert detect_page(REAL_SHELL.read_text(encoding="utf-8")).type != "document"


def test_title(item):
    assert item.title == "Aide-Memoire: Meeting with Hamdi O. Mouknass"


def test_date_text(item):
    assert item.date_text == "October 13, 1969"


def test_record_and_node_ids(item):
    assert (item.record_id, item.node_id) == ("118508", "94237")


def test_canonical_url(item):
    assert item.canonical_url == URL


def test_summary(item):
    assert item.summary.startswith("Hamdi Ould Mouknass praises Zhou Enlai")


def test_authors_are_the_author_block_only(item):
    assert item.authors == ["Thant, U", "Mouknass, Hamdi Ould"]


def test_people_are_the_associated_block_only(item):
    """Header megamenu cards (Mao, Kim Il Sung) must not leak in."""
    assert item.people == ["Zhou, Enlai"]


def test_places_topics_subjects(item):
    assert item.places == ["China"]
    assert item.topics == ["China at the United Nations"]
    assert item.subjects == [
        "China--Foreign relations--Soviet Union",
        "United Nations--China",
        "China--Foreign relations--Mauritania",
    ]


def test_source(item):
    assert item.source == (
        "S-0878-0001-05, United Nations Archives and Management Section. "
        "Obtained for CWIHP by Charles Kraus."
    )


def test_original_archives(item):
    assert item.original_archives == [
        "United Nations Archives and Records Management Section (UN ARMS)"
    ]


def test_information_blocks(item):
    assert item.languages == ["English"]
    assert item.uploaded_date == "2013-10-31"
    assert item.donors == ["Leon Levy Foundation"]
    assert item.classification is None


def test_versions_scan_only(item):
    assert item.versions == [
        Version(
            VersionType.ORIGINAL,
            url=live_url(
                "/sites/default/files/shared-media/imported_document_original_file/"
                "1969_10_13__Aide_Memoire_SecGen_and_Hamdi_Ould_Mouknass.pdf"
            ),
        )
    ]
    assert item.text is None


def test_download_url(item):
    assert item.download_url == live_url("/document/94237/download")


def test_rights(item):
    assert item.rights.endswith("History and Public Policy Program at HAPP@wilsoncenter.org.")
