"""`da plot`: the three figures in PNG and SVG, of the size asked for, drawn from counts that
equal SQL counts on the same database (3,000 synthetic documents; the offline crawl), also
when the filters and a query narrow them."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, query
from sqlalchemy import create_engine, text
from support.synthetic_db import COUNTRIES, synthetic_database

from cli.main import main

YEAR = {"sqlite": "strftime('%Y', d.date_start)", "postgresql": "to_char(d.date_start, 'YYYY')"}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def synthetic_db(request, tmp_path_factory):
    yield from synthetic_database(request.param, tmp_path_factory.mktemp("plot"))


def dialect(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def plot(capsys, db: str, tmp_path: Path, figure: str, *args: str, suffix: str = ".png"):
    """Run `da plot`; the exit status, stdout, stderr, the image and the counts it was drawn from."""
    image, data = tmp_path / f"{figure}{suffix}", tmp_path / f"{figure}.json"
    code = main(["--db", db, "plot", figure, *args, "-o", str(image), "--data", str(data)])
    captured = capsys.readouterr()
    counts = json.loads(data.read_text()) if data.exists() else None
    return code, captured.out, captured.err, image, counts


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    return struct.unpack(">II", header[16:24])


def svg_size(path: Path) -> tuple[str, str]:
    root = re.search(r"<svg\b[^>]*>", path.read_text(encoding="utf-8"))
    assert root, "no <svg> element"
    width, height = (re.search(rf'\b{a}="([^"]+)"', root.group()) for a in ("width", "height"))
    assert width and height
    return width.group(1), height.group(1)


def grouped(db: str, sql: str) -> dict[str, int]:
    return {str(label): n for label, n in query(db, sql)}


def years_sql(db: str, where: str = "") -> str:
    year = YEAR[dialect(db)]
    return f"""SELECT {year} AS y, count(*) FROM documents d
               WHERE d.date_start IS NOT NULL {where} GROUP BY y"""


ARCHIVES_SQL = """SELECT coalesce(a.abbreviation, a.name) AS archive, count(DISTINCT c.document_id)
                  FROM citations c JOIN archives a ON a.id = c.archive_id JOIN documents d ON d.id = c.document_id
                  WHERE 1 = 1 {where} GROUP BY archive"""
LANGUAGES_SQL = """SELECT l.name, count(DISTINCT dl.document_id) FROM document_languages dl
                   JOIN languages l ON l.id = dl.entity_id JOIN documents d ON d.id = dl.document_id
                   WHERE 1 = 1 {where} GROUP BY l.name"""


@pytest.mark.parametrize("suffix", [".png", ".svg"])
@pytest.mark.parametrize("figure", ["timeline", "archives", "languages"])
def test_each_figure_is_drawn_from_the_sql_counts(capsys, synthetic_db, tmp_path, figure, suffix):
    code, out, err, image, data = plot(capsys, synthetic_db, tmp_path, figure, suffix=suffix)
    assert code == 0, err
    if suffix == ".png":
        assert png_size(image) == (1000, 500)  # 10 x 5 inches at 100 dpi
    else:
        assert svg_size(image) == ("720pt", "360pt")  # 10 x 5 inches
    assert data["documents"] == 3000
    if figure == "timeline":
        years = grouped(synthetic_db, years_sql(synthetic_db))
        assert data["counts"] == years and sum(years.values()) == 3000
        assert out == f"wrote {image}: 3,000 documents, {min(years)}–{max(years)}\n"
        # Stacked by the archive's country: each synthetic document cites one archive.
        by_country = query(synthetic_db, f"""SELECT a.country, {YEAR[dialect(synthetic_db)]} AS y, count(*)
                                             FROM documents d JOIN citations c ON c.document_id = d.id
                                             JOIN archives a ON a.id = c.archive_id GROUP BY a.country, y""")  # fmt: skip
        expected: dict[str, dict[str, int]] = {}
        for country, year, n in by_country:
            expected.setdefault(country, {})[year] = n
        assert data["series"] == expected
        assert set(data["series"]) == set(COUNTRIES.values())
        # The largest stack first.
        totals = [sum(s.values()) for s in data["series"].values()]
        assert totals == sorted(totals, reverse=True)
    else:
        sql = ARCHIVES_SQL if figure == "archives" else LANGUAGES_SQL
        expected_counts = grouped(synthetic_db, sql.format(where=""))
        assert data["counts"] == expected_counts and data["omitted"] == 0
        assert list(data["counts"].values()) == sorted(expected_counts.values(), reverse=True)
        assert out == f"wrote {image}: 3,000 documents, {len(expected_counts)} {figure}\n"


def test_timeline_by_language(capsys, synthetic_db, tmp_path):
    code, _, err, image, data = plot(capsys, synthetic_db, tmp_path, "timeline", "--by", "language", suffix=".svg")  # fmt: skip
    assert code == 0, err
    rows = query(synthetic_db, f"""SELECT l.name, {YEAR[dialect(synthetic_db)]} AS y, count(*)
                                   FROM documents d JOIN document_languages dl ON dl.document_id = d.id
                                   JOIN languages l ON l.id = dl.entity_id GROUP BY l.name, y""")  # fmt: skip
    expected: dict[str, dict[str, int]] = {}
    for language, year, n in rows:
        expected.setdefault(language, {})[year] = n
    assert data["by"] == "language" and data["series"] == expected
    assert "first language" in image.read_text(encoding="utf-8")  # the legend's title


def test_filters_narrow_the_counts_to_the_filtered_sql_counts(capsys, synthetic_db, tmp_path):
    # Dates overlap the period, as in `da search`: date_end >= from, date_start <= to.
    where = """AND d.date_end >= '1950-01-01' AND d.date_start <= '1959-12-31'
               AND EXISTS (SELECT 1 FROM citations c2 JOIN archives a2 ON a2.id = c2.archive_id
                           WHERE c2.document_id = d.id AND a2.abbreviation = 'RGASPI')"""
    filters = ("--archive", "RGASPI", "--from", "1950", "--to", "1959")
    code, out, err, _, data = plot(capsys, synthetic_db, tmp_path, "timeline", *filters)
    assert code == 0, err
    years = grouped(synthetic_db, years_sql(synthetic_db, where))
    assert data["counts"] == years
    assert set(years) == {str(y) for y in range(1950, 1960)}
    total = sum(years.values())
    assert data["documents"] == total and 0 < total < 3000
    assert out.endswith(f": {total:,} documents, 1950–1959\n")

    code, _, err, _, data = plot(capsys, synthetic_db, tmp_path, "languages", *filters)
    assert code == 0, err
    assert data["counts"] == grouped(synthetic_db, LANGUAGES_SQL.format(where=where))

    person = """AND EXISTS (SELECT 1 FROM document_people dp JOIN people p ON p.id = dp.entity_id
                            WHERE dp.document_id = d.id AND p.name = 'Stalin, Joseph')"""
    code, _, err, _, data = plot(capsys, synthetic_db, tmp_path, "archives", "--person", "stalin")
    assert code == 0, err
    expected = grouped(synthetic_db, ARCHIVES_SQL.format(where=person))
    assert data["counts"] == expected and sum(expected.values()) < 3000


def test_a_query_narrows_the_counts_as_search_does(capsys, synthetic_db, tmp_path):
    if dialect(synthetic_db) == "sqlite":
        match = "d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'armistice')"
    else:
        match = "d.search_vector @@ to_tsquery('english', 'armistice')"
    code, _, err, image, data = plot(capsys, synthetic_db, tmp_path, "archives", "armistice", "--language", "Polish", suffix=".svg")  # fmt: skip
    assert code == 0, err
    assert "“armistice”; language Polish" in image.read_text(encoding="utf-8")  # the subtitle
    where = f"""AND {match} AND EXISTS (SELECT 1 FROM document_languages x JOIN languages e
                ON e.id = x.entity_id WHERE x.document_id = d.id AND e.name = 'Polish')"""
    expected = grouped(synthetic_db, ARCHIVES_SQL.format(where=where))
    assert data["counts"] == expected
    (documents,) = query(synthetic_db, f"SELECT count(*) FROM documents d WHERE 1 = 1 {where}")[0]
    assert data["documents"] == documents and 0 < documents < 3000


def test_size_and_resolution_are_asked_for(capsys, synthetic_db, tmp_path):
    args = ("--size", "6x4", "--dpi", "50")
    code, _, err, image, _ = plot(capsys, synthetic_db, tmp_path, "languages", *args)
    assert code == 0, err
    assert png_size(image) == (300, 200)
    code, _, err, image, _ = plot(capsys, synthetic_db, tmp_path, "archives", *args, suffix=".svg")
    assert code == 0, err
    assert svg_size(image) == ("432pt", "288pt")


def test_top_keeps_the_largest_archives(capsys, synthetic_db, tmp_path):
    code, out, err, _, data = plot(capsys, synthetic_db, tmp_path, "archives", "--top", "2")
    assert code == 0, err
    everything = sorted(grouped(synthetic_db, ARCHIVES_SQL.format(where="")).items(), key=lambda i: (-i[1], i[0]))  # fmt: skip
    assert data["counts"] == dict(everything[:2]) and data["omitted"] == len(everything) - 2
    assert out.endswith(f"3,000 documents, 2 archives (top 2 of {len(everything)})\n")


def test_crawled_database_counts_equal_sql(capsys, crawled_db, tmp_path):
    """The offline crawl: documents citing several archives, undated ones, several languages."""
    code, out, err, image, data = plot(capsys, crawled_db, tmp_path, "timeline", suffix=".svg")
    assert code == 0, err
    assert svg_size(image) == ("720pt", "360pt")
    ((documents, undated),) = query(crawled_db, "SELECT count(*), sum(CASE WHEN date_start IS NULL THEN 1 ELSE 0 END) FROM documents")  # fmt: skip
    years = grouped(crawled_db, years_sql(crawled_db))
    assert data["documents"] == documents and data["undated"] == undated
    assert data["counts"] == years
    # Each dated document is in exactly one stack: that of its first cited archive's country.
    first_country = query(crawled_db, f"""
        SELECT coalesce(a.country, '(country unknown)') AS country, {YEAR[dialect(crawled_db)]} AS y, count(*)
        FROM documents d
        JOIN citations c ON c.document_id = d.id AND c.position = (
            SELECT min(c2.position) FROM citations c2 WHERE c2.document_id = d.id AND c2.archive_id IS NOT NULL)
        JOIN archives a ON a.id = c.archive_id
        WHERE d.date_start IS NOT NULL GROUP BY country, y""")  # fmt: skip
    for country, year, n in first_country:
        assert data["series"][country][year] == n
    for year, n in years.items():
        assert sum(s.get(year, 0) for s in data["series"].values()) == n
    if undated:
        assert f"({undated:,} undated, not shown)" in out

    for figure, sql in (("archives", ARCHIVES_SQL), ("languages", LANGUAGES_SQL)):
        code, _, err, image, data = plot(capsys, crawled_db, tmp_path, figure, "--top", "1000")
        assert code == 0, err
        assert png_size(image) == (1000, 500)
        assert data["counts"] == grouped(crawled_db, sql.format(where=""))


def test_nothing_to_plot_is_one_line_and_no_file(capsys, synthetic_db, tmp_path):
    code, out, err, image, _ = plot(capsys, synthetic_db, tmp_path, "timeline", "--from", "2030")
    assert (code, out) == (2, "")
    assert err == "da plot: no document matches the query and filters: nothing written\n"
    assert not image.exists()


def test_bad_output_suffix_exits_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        main(["--db", f"sqlite:///{tmp_path / 'none.db'}", "plot", "archives", "-o", "x.gif"])
    assert stopped.value.code == 2
    assert "must end in .png or .svg: 'x.gif'" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_da_does_not_import_matplotlib_until_it_plots():
    check = "import sys, cli.main; sys.exit('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", check], cwd=PROJECT, capture_output=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_documents_without_what_is_plotted_get_one_line(capsys, tmp_path):
    db = next(synthetic_database("sqlite", tmp_path, n=20))
    engine = create_engine(db)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM document_languages"))
        conn.execute(text("UPDATE documents SET date_start = NULL"))
    engine.dispose()
    for figure, what in (("languages", "has a language"), ("timeline", "is dated")):
        code, out, err, image, _ = plot(capsys, db, tmp_path, figure)
        assert (code, out) == (2, "")
        assert err == f"da plot: none of the 20 documents {what}: nothing written\n"
        assert not image.exists()


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["plot", "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "examples:\n  da plot timeline -o timeline.png\n" in out
    assert "--from YEAR|DATE" in out and "--by {country,language}" in out
