"""Alembic's migrations of the archive schema (versions/), and what they share with tests."""

# Made by hand in 0005 and 0006 (dialect-specific), not by the models: autogenerate and the
# schema comparison leave them alone.
HAND_MADE = {
    "documents_fts", "search_vector", "ix_documents_search_vector", "v_documents", "v_citations",
    "v_timeline", "v_runs",
}  # fmt: skip


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (name in HAND_MADE or (name or "").startswith("documents_fts"))
