"""Database URLs without SQLAlchemy: the default, the passwords they carry and their masking
(`redact`, `safe_url`, the log records' filter). `da` needs these before it knows whether it
will import SQLAlchemy at all (models/readonly.py); models/db.py re-exports them.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus

if TYPE_CHECKING:
    import logging  # imported when log redaction is installed: `da` on SQLite logs nothing

DEFAULT_DATABASE_URL = "sqlite:///data/archive.db"


class DatabaseUrlError(ValueError):
    """A DATABASE_URL that cannot be used at all (unparseable, unsupported): a usage error."""


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or migrated; the message names it without password."""


def database_url(url: str | None = None) -> str:
    """The database to use (the argument, DATABASE_URL or the default). Its password is
    registered for `redact` as soon as it is known."""
    chosen = url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    register_secrets(chosen)
    return chosen


# Query-string parameters that carry a secret (psycopg takes any libpq keyword there).
SECRET_PARAMETERS = frozenset({"password", "passwd", "pass", "pwd", "sslpassword"})
MASK = "***"
MIN_SECRET = 4  # shorter literals are not masked in free text (every "ab" would go)
_secrets: set[str] = set()


def _split_netloc(url: str) -> tuple[str, str, str, str] | None:
    """(scheme://, userinfo, host part, rest) of a URL, the userinfo ending at the LAST `@`
    of the authority, as RFC 3986 parsers read it: an unencoded `@` in a password stays in the
    password. None when the URL has no `scheme://`."""
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)$", url, re.DOTALL)
    if match is None:
        return None
    scheme, authority, rest = match.groups()
    if "@" not in authority:
        return scheme, "", authority, rest
    userinfo, _, host = authority.rpartition("@")
    return scheme, userinfo, host, rest


def normalize_url(url: str) -> str:
    """The URL as SQLAlchemy must read it: an unencoded `@` (or `:`, `/`) inside the password
    percent-encoded, so that `postgresql://u:p@ss@host/db` means user u, password `p@ss` on
    host `host` (SQLAlchemy alone would take `ss@host` for the host)."""
    parts = _split_netloc(url)
    if parts is None or "@" not in parts[1]:
        return url
    scheme, userinfo, host, rest = parts
    user, colon, password = userinfo.partition(":")
    encode = lambda value: quote(unquote(value), safe="")  # noqa: E731
    return f"{scheme}{encode(user)}{colon}{encode(password) if colon else ''}@{host}{rest}"


def url_secrets(url: str) -> set[str]:
    """Every literal under which the URL's password could be printed: as written, decoded,
    percent-encoded; from the userinfo (up to the last `@`) and from the query string."""
    found: set[str] = set()
    parts = _split_netloc(url)
    if parts is not None:
        _, userinfo, _, rest = parts
        if ":" in userinfo:
            found.add(userinfo.partition(":")[2])
        query = rest.partition("?")[2].partition("#")[0]
        for pair in query.split("&"):
            name, equals, value = pair.partition("=")
            if equals and unquote_plus(name).lower() in SECRET_PARAMETERS:
                found.add(value)
    forms = set()
    for secret in found:
        for decoded in (secret, unquote(secret), unquote_plus(secret)):
            forms |= {decoded, quote(decoded, safe=""), quote_plus(decoded, safe="")}
    return {form for form in forms if form}


def register_secrets(url: str | None) -> None:
    """Remember the URL's password (every form of it): `redact` and the log filter mask it
    from then on, in this process."""
    if url:
        _secrets.update(url_secrets(url))


def redact(text: str) -> str:
    """The text with every registered password literal masked (longest first)."""
    if not _secrets or not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        if len(secret) >= MIN_SECRET and secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_value(value: Any) -> Any:
    """`redact` through JSON-like values (a run's arguments, stats, a reject's payload)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    return value


def safe_url(url: str) -> str:
    """The URL with its password masked, for logs and messages: in the userinfo (all of it,
    an unencoded `@` included) and in the query string (`?password=…`). A URL that cannot be
    parsed is shown as its scheme only."""
    parts = _split_netloc(url)
    if parts is None:
        return redact(url) if "@" not in url and "password" not in url.lower() else MASK
    scheme, userinfo, host, rest = parts
    if ":" in userinfo:
        userinfo = userinfo.partition(":")[0] + ":" + MASK
    path, question, query = rest.partition("?")
    query, hash_, fragment = query.partition("#")
    pairs = []
    for pair in query.split("&") if question else []:
        name, equals, value = pair.partition("=")
        if equals and unquote_plus(name).lower() in SECRET_PARAMETERS:
            value = MASK
        pairs.append(f"{name}{equals}{value}")
    shown = f"{scheme}{userinfo}{'@' if userinfo else ''}{host}{path}"
    if question:
        shown += "?" + "&".join(pairs)
    if hash_:
        shown += "#" + fragment
    return redact(shown)


class RedactingFilter:
    """Masks the registered passwords in a log record: its message (arguments interpolated)
    and its exception text (a traceback quotes what the code held). A logging filter (an
    object with a `filter` method, as logging takes them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        import logging

        if not _secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_redaction(url: str | None = None) -> None:
    """Mask the password of `url` (and of any registered URL) in every log record of the
    process: the record factory runs the filter as each record is made, whichever logger and
    handler (Scrapy's, a LOG_FILE, ours) it then goes to. Idempotent."""
    import logging

    register_secrets(url)
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacting", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    redacting_factory.redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)
