"""The reading room: Datasette over data/archive.db as historians read it (`make serve`).

- Table pages of `documents`, `document_versions`, `rejected_items`, … leave the heavy columns
  out (full text, html, payloads) unless the URL asks for columns (`_col`/`_nocol`).
- Facets by year (`{"year": "date_start"}`) and by collection (`{"collection": "id"}`,
  through `document_collections`), next to Datasette's own array facets.
- The document page (templates/row-archive-documents.html): citations with archive and
  location, the versions (the translation's html, sanitized here), scans and the live page.
- Downloads: /-/export/<database>/<id>.ris|bib|json (`da export` in RIS, BibTeX, CSL-JSON).
- The timeline as an SVG bar chart: /-/timeline/<database>.svg (documents per year).
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import urllib.parse
from typing import Any

from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from datasette.utils.asgi import Response
from lxml import html as lxml_html
from markupsafe import Markup, escape

from datasette import hookimpl

# Columns left out of table pages unless the URL chooses columns.
HEAVY = {
    "documents": [
        "text",
        "source",
        "summary",
        "listing_summary",
        "rights",
        "related_urls",
        "content_hash",
        "subjects",
        "topics",
        "contributors",
        "donors",
        "places",
    ],
    "v_documents": ["source", "summary"],
    "document_versions": ["html"],
    "rejected_items": ["payload"],
    "crawl_runs": ["stats", "arguments"],
    "document_revisions": ["old_values"],
    "collections": ["description", "content_hash"],
}
EXPORTS = {
    "ris": ("ris", "application/x-research-info-systems"),
    "bib": ("bibtex", "application/x-bibtex"),
    "json": ("csl-json", "application/vnd.citationstyles.csl+json"),
}
ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "i",
    "b",
    "u",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "sup",
    "sub",
    "span",
    "div",
    "hr",
    "a",
    "pre",
}
DROPPED_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "noscript",
}


def sanitize(fragment: str | None) -> Markup:
    """Only harmless tags, no attribute but an http(s) link's href: safe to show as html."""
    if not fragment or not fragment.strip():
        return Markup("")
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str):
            if element is not root and element.getparent() is not None:
                element.drop_tree()  # comments, processing instructions
            continue
        tag = element.tag.lower()
        if tag in DROPPED_TAGS:
            element.drop_tree()
            continue
        href = element.get("href", "")
        element.attrib.clear()
        if tag == "a" and re.match(r"https?://", href.strip(), re.I):
            element.set("href", href.strip())
            element.set("rel", "noopener nofollow")
        if tag not in ALLOWED_TAGS:
            element.drop_tag()  # keeps the text
    inner = ((root.text and str(escape(root.text))) or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in root
    )
    return Markup(inner)


def _json_list(value: Any) -> list[str]:
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def location(citation: dict[str, Any]) -> str:
    """Where the citation is in its archive ("f. 558, op. 11, d. 341, ll. 86-88"), or its
    reference."""
    units = [
        f"{label} {citation[key]}"
        for label, key in (
            ("f.", "fond"),
            ("op.", "opis"),
            ("d.", "delo"),
            ("p.", "papka"),
            ("ll.", "listy"),
        )
        if citation.get(key)
    ]
    if citation.get("reference"):
        units.append(citation["reference"])
    return ", ".join(units)


@hookimpl
def asgi_wrapper(datasette):
    """A table page (html) of a heavy table without `_col`/`_nocol` gets `_nocol` of its heavy
    columns."""

    def wrap(app):
        async def reading_room(scope, receive, send):
            if scope.get("type") == "http":
                parts = scope.get("path", "").strip("/").split("/")
                query = urllib.parse.parse_qsl(
                    scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
                )
                if (
                    len(parts) == 2
                    and parts[1] in HEAVY
                    and not any(k in ("_col", "_nocol") for k, _ in query)
                ):
                    query += [("_nocol", column) for column in HEAVY[parts[1]]]
                    scope = dict(scope, query_string=urllib.parse.urlencode(query).encode())
            await app(scope, receive, send)

        return reading_room

    return wrap


class YearFacet(Facet):
    """Documents per year of a date column; a year selects `column__startswith=YYYY`."""

    type = "year"

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            sql = f"""select substr({escape_sqlite(column)}, 1, 4) as value, count(*) as count
                      from ({self.sql}) where {escape_sqlite(column)} is not null
                      group by value order by value limit {size + 1}"""
            rows = (await self.ds.execute(self.database, sql, self.params, truncate=False)).rows
            key = f"{column}__startswith"
            values = []
            for row in rows[:size]:
                selected = args.get(key) == row["value"]
                path = (
                    path_with_removed_args(self.request, {key: row["value"]})
                    if selected
                    else path_with_added_args(self.request, {key: row["value"]})
                )
                values.append(
                    {
                        "value": row["value"],
                        "label": row["value"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, path),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": "year",
                    "type": self.type,
                    "results": values,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


class CollectionFacet(Facet):
    """Documents per collection (through document_collections); selects with `_through`."""

    type = "collection"

    async def facet_results(self):
        results, timed_out = [], []
        selected_now = set(self.request.args.getlist("_through"))
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            sql = f"""select c.id as id, coalesce(c.title, c.collection_id) as label,
                      count(distinct dc.document_id) as count
                      from document_collections dc join collections c on c.id = dc.collection_id
                      where dc.document_id in (select {escape_sqlite(column)} from ({self.sql}))
                      group by c.id order by count desc, label limit {size + 1}"""
            rows = (await self.ds.execute(self.database, sql, self.params, truncate=False)).rows
            values = []
            for row in rows[:size]:
                through = json.dumps(
                    {
                        "table": "document_collections",
                        "column": "collection_id",
                        "value": str(row["id"]),
                    },
                    separators=(",", ":"),
                )
                selected = through in selected_now
                path = (
                    path_with_removed_args(self.request, {"_through": through})
                    if selected
                    else path_with_added_args(self.request, {"_through": through})
                )
                values.append(
                    {
                        "value": row["id"],
                        "label": row["label"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, path),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": "collection",
                    "type": self.type,
                    "results": values,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": path_with_removed_args(
                        self.request, {"_facet_collection": column}
                    ),
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [YearFacet, CollectionFacet]


async def document_page(datasette, database: str, doc_id: str) -> dict[str, Any]:
    """What the document page shows, read with Datasette's own read-only connection."""
    db = datasette.get_database(database)
    found = await db.execute("select * from documents where id = :id", {"id": doc_id})
    if not found.rows:
        return {}
    doc = dict(found.first())
    citations = [
        dict(r)
        for r in (
            await db.execute(
                """select c.*, a.name as archive_name, a.abbreviation as archive_abbreviation,
                  a.country as archive_country
           from citations c left join archives a on a.id = c.archive_id
           where c.document_id = :id order by c.position""",
                {"id": doc_id},
            )
        ).rows
    ]
    for citation in citations:
        citation["location"] = location(citation)
        citation["archive"] = citation.get("archive_name") or citation.get("repository")
        credits = []
        for key, label in (
            ("translated_by", "Translated by"),
            ("contributed_by", "Contributed by"),
            ("obtained_by", "Obtained by"),
            ("transcribed_by", "Transcribed by"),
            ("edited_by", "Edited by"),
            ("annotated_by", "Annotated by"),
        ):
            if names := _json_list(citation.get(key)):
                credits.append(f"{label} {', '.join(names)}")
        citation["credits"] = credits
    versions = [
        dict(r)
        for r in (
            await db.execute(
                """select type, language, url, html from document_versions
                   where document_id = :id order by position""",
                {"id": doc_id},
            )
        ).rows
    ]
    for version in versions:
        version["safe_html"] = sanitize(version.pop("html"))
    collections = [
        dict(r)
        for r in (
            await db.execute(
                """select c.id, c.collection_id, c.title from document_collections dc
           join collections c on c.id = dc.collection_id where dc.document_id = :id
           order by c.collection_id""",
                {"id": doc_id},
            )
        ).rows
    ]
    for collection in collections:
        through = json.dumps(
            {
                "table": "document_collections",
                "column": "collection_id",
                "value": str(collection["id"]),
            },
            separators=(",", ":"),
        )
        query = urllib.parse.urlencode({"_through": through})
        collection["url"] = datasette.urls.table(database, "documents") + "?" + query
    lists = {
        key: _json_list(doc.get(key))
        for key in (
            "authors",
            "people",
            "places",
            "topics",
            "subjects",
            "languages",
            "original_archives",
            "donors",
            "contributors",
        )
    }
    base = datasette.urls.path(f"/-/export/{database}/{doc_id}")
    return {
        "doc": doc,
        "citations": citations,
        "translations": [v for v in versions if v["safe_html"]],
        "scans": [v for v in versions if v.get("url")],
        "collections": collections,
        "lists": lists,
        "downloads": [
            ("RIS", f"{base}.ris"),
            ("BibTeX", f"{base}.bib"),
            ("CSL-JSON", f"{base}.json"),
        ],
    }


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "documents" or request is None:
        return {}

    async def inner():
        pks = request.url_vars.get("pks", "")
        return {"reading_room": await document_page(datasette, database, pks)}

    return inner


def _export(path: str, doc_id: int, fmt: str) -> str:
    from sqlalchemy import create_engine

    from cli.export import export

    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            out = io.StringIO()
            export(conn, [doc_id], fmt, out)
            return out.getvalue()
    finally:
        engine.dispose()


async def export_view(datasette, request):
    database, doc_id, ext = (request.url_vars[k] for k in ("database", "id", "ext"))
    try:
        db = datasette.get_database(database)
    except KeyError:
        return Response.text("no such database", status=404)
    found = await db.execute("select record_id from documents where id = :id", {"id": doc_id})
    if not found.rows or not db.path:
        return Response.text("no such document", status=404)
    fmt, content_type = EXPORTS[ext]
    body = await asyncio.to_thread(_export, db.path, int(doc_id), fmt)
    name = re.sub(r"[^\w.-]", "_", str(found.first()["record_id"] or doc_id))
    return Response(
        body,
        content_type=f"{content_type}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="wilson-{name}.{ext}"'},
    )


async def timeline_view(datasette, request):
    """Documents per year as a small SVG bar chart."""
    try:
        db = datasette.get_database(request.url_vars["database"])
    except KeyError:
        return Response.text("no such database", status=404)
    rows = (
        await db.execute(
            """select substr(date_start, 1, 4) as year, count(*) as n from documents
           where date_start is not null group by year order by year"""
        )
    ).rows
    return Response(
        timeline_svg([(r["year"], r["n"]) for r in rows]),
        content_type="image/svg+xml; charset=utf-8",
    )


def timeline_svg(counts: list[tuple[str, int]]) -> str:
    width, height, bar, gap, top, bottom = 640, 220, 0, 4, 20, 40
    most = max((n for _, n in counts), default=1)
    bar = max(4, (width - 40) // max(len(counts), 1) - gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="Documents per year">',
        "<style>text{font:11px sans-serif;fill:#333}</style>",
    ]
    for i, (year, n) in enumerate(counts):
        h = round((height - top - bottom) * n / most)
        x = 20 + i * (bar + gap)
        y = height - bottom - h
        parts.append(
            f'<g class="year" data-year="{escape(year)}" data-count="{n}">'
            f"<title>{escape(year)}: {n} documents</title>"
            f'<rect x="{x}" y="{y}" width="{bar}" height="{h}" fill="#4a6fa5"/>'
            f'<text x="{x + bar / 2}" y="{y - 4}" text-anchor="middle">{n}</text>'
            f'<text x="{x + bar / 2}" y="{height - bottom + 14}" text-anchor="middle">'
            f"{escape(year)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


@hookimpl
def extra_body_script(database, request, datasette):
    """A canned query's inputs get the hints of `plugins.reading_room.placeholders` in the
    metadata (an example value for each parameter) as placeholder and tooltip."""
    if request is None or database is None:
        return ""
    parts = request.path.strip("/").split("/")
    config = datasette.plugin_config("reading_room", database=database) or {}
    hints = (config.get("placeholders") or {}).get(parts[-1]) if len(parts) == 2 else None
    if not hints:
        return ""
    data = json.dumps(hints).replace("<", "\\u003c")
    return f"""for (const [name, hint] of Object.entries({data})) {{
  const input = document.querySelector(`form.sql input[name="${{CSS.escape(name)}}"]`);
  if (input) {{ input.placeholder = hint; input.title = hint; }}
}}"""


@hookimpl
def register_routes():
    return [
        (r"^/-/export/(?P<database>[^/]+)/(?P<id>\d+)\.(?P<ext>ris|bib|json)$", export_view),
        (r"^/-/timeline/(?P<database>[^/]+)\.svg$", timeline_view),
    ]
