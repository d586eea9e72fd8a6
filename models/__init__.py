"""Database layer: tables, engine and migrations, and the store the pipelines write through."""
