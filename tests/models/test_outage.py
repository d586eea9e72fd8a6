"""How a failed write is classified (models/outage.py), on real errors of real databases."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from models.outage import Failure, failure_of


def error_of(url: str, *statements: str, **options) -> SQLAlchemyError:
    engine = create_engine(url, **options)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    except SQLAlchemyError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("no error")


def test_a_read_only_database_is_permanent(tmp_path):
    path = tmp_path / "a.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert failure_of(error_of(url, "INSERT INTO t VALUES (1)")) is Failure.PERMANENT


def test_a_locked_database_is_transient(tmp_path):
    path = tmp_path / "a.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        exc = error_of(f"sqlite:///{path}", "INSERT INTO t VALUES (1)",
                       connect_args={"timeout": 0.01})  # fmt: skip
    finally:
        holder.close()
    assert "locked" in str(exc)
    assert failure_of(exc) is Failure.TRANSIENT


def test_a_constraint_is_the_item(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    exc = error_of(url, "CREATE TABLE t (x UNIQUE)", "INSERT INTO t VALUES (1)",
                   "INSERT INTO t VALUES (1)")  # fmt: skip
    assert failure_of(exc) is Failure.ITEM


def test_an_unreachable_postgresql_is_transient():
    pytest.importorskip("psycopg")
    exc = error_of("postgresql+psycopg://postgres@127.0.0.1:9/postgres", "SELECT 1")
    assert failure_of(exc) is Failure.TRANSIENT


def test_a_programming_error_is_not_the_database_away(tmp_path):
    exc = error_of(f"sqlite:///{tmp_path / 'a.db'}", "SELECT * FROM missing")
    assert failure_of(exc) is not Failure.TRANSIENT


def test_other_exceptions_are_the_item():
    assert failure_of(ValueError("bad")) is Failure.ITEM
