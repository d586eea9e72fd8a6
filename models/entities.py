"""Names, citations and aliases of documents: the link tables and the entity tables
(`people`, `places`, …, `archives`), written set-based for a whole batch."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, select

from models.db import upsert
from models.tables import ENTITY_LINKS, Archive, Citation, Person, PersonAlias, table_of

citations = table_of(Citation)
archives = table_of(Archive)
person_aliases = table_of(PersonAlias)
CITATION_COLUMNS = tuple(
    c.name
    for c in citations.columns
    if c.name not in {"id", "document_id", "position", "archive_id"}
)
# A batch: (the document's values as plain data, its row id).
Batch = list[tuple[dict[str, Any], int]]


def link_entities(conn: Connection, batch: Batch) -> dict[int, dict[str, int]]:
    """Upsert the names of every entity kind once for the batch, then link them.
    Returns {document_id: {person name: person id}} for the aliases."""
    person_ids: dict[int, dict[str, int]] = {}
    by_entity: dict[type, dict[str, dict[str, Any]]] = {}
    keys: dict[tuple[type, str], str] = {}
    for item, _ in batch:
        forms = {p["name"]: p for p in item.get("persons") or []}
        # The archive table's record for each original archive (pipelines/citations.py).
        known = dict(
            zip(item.get("original_archives") or [], item.get("archives") or [], strict=False)
        )
        for field_name, (entity, _, _) in ENTITY_LINKS.items():
            for name in item.get(field_name) or []:
                row: dict[str, Any] = {"name": name}
                if entity is Archive and name in known:
                    row = dict(known[name])
                elif entity is Person and name in forms:
                    row |= {k: forms[name][k] for k in ("display_name", "sort_name")}
                keys[(entity, name)] = row["name"]
                by_entity.setdefault(entity, {})[row["name"]] = row
    ids: dict[type, dict[str, int]] = {}
    for entity, rows in by_entity.items():
        ids[entity] = _upsert_names(conn, table_of(entity), rows)
    links: dict[Table, dict[tuple[int, int, str | None], dict[str, Any]]] = {}
    for item, doc_id in batch:
        for field_name, (entity, link, role) in ENTITY_LINKS.items():
            for position, name in enumerate(dict.fromkeys(item.get(field_name) or [])):
                entity_id = ids[entity][keys[(entity, name)]]
                links.setdefault(link, {})[(doc_id, entity_id, role)] = {
                    "document_id": doc_id,
                    "entity_id": entity_id,
                    "position": position,
                } | ({"role": role} if role else {})
                if entity is Person:
                    person_ids.setdefault(doc_id, {})[name] = entity_id
    for link, link_rows in links.items():
        conn.execute(link.insert(), list(link_rows.values()))
    return person_ids


def _upsert_names(
    conn: Connection, table: Table, rows: dict[str, dict[str, Any]]
) -> dict[str, int]:
    columns = [c for c in ("abbreviation", "country", "display_name", "sort_name") if c in table.c]
    values = [{"name": r["name"], **{c: r.get(c) for c in columns}} for r in rows.values()]
    upsert(conn, table, values, ["name"], update=columns or None)
    names = list(rows)
    found: dict[str, int] = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        rows_found = conn.execute(select(table.c.name, table.c.id).where(table.c.name.in_(chunk)))
        found.update((name, id_) for name, id_ in rows_found)
    return found


def insert_citations(conn: Connection, batch: Batch) -> None:
    parsed = [
        (doc_id, position, c)
        for item, doc_id in batch
        for position, c in enumerate(item.get("citations") or [])
    ]
    if not parsed:
        return
    archive_rows = {
        c["repository_name"]: {
            "name": c["repository_name"],
            "abbreviation": c.get("abbreviation"),
            "country": c.get("country"),
        }
        for _, _, c in parsed
        if c.get("repository_name")
    }
    archive_ids = _upsert_names(conn, archives, archive_rows) if archive_rows else {}
    conn.execute(
        citations.insert(),
        [
            {
                "document_id": doc_id,
                "position": position,
                "archive_id": archive_ids.get(c.get("repository_name") or ""),
            }
            | {name: c.get(name) for name in CITATION_COLUMNS}
            | {name: c.get(name) or [] for name in CITATION_COLUMNS if name.endswith("_by")}
            for doc_id, position, c in parsed
        ],
    )


def add_aliases(conn: Connection, batch: Batch, person_ids: dict[int, dict[str, int]]) -> None:
    """Pseudonyms from titles and other names of people, linked to the document's person
    of that name when there is exactly one."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for item, doc_id in batch:
        aliases = list(item.get("aliases") or [])
        for person in item.get("persons") or []:
            aliases += [{"name": person["name"], "alias": a} for a in person.get("aliases") or []]
        shown = person_ids.get(doc_id, {})
        for alias in aliases:
            name = alias["name"]
            candidates = {
                pid
                for person, pid in shown.items()
                if person == name or person.split(",")[0].strip() == name.split()[-1]
            }
            rows[(name, alias["alias"])] = {
                "name": name,
                "alias": alias["alias"],
                "person_id": candidates.pop() if len(candidates) == 1 else None,
            }
    upsert(conn, person_aliases, list(rows.values()), ["name", "alias"])
