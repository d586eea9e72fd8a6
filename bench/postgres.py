"""A throwaway PostgreSQL cluster for benchmarks (as .ci/run starts one for the tests):
initdb and pg_ctl as the `postgres` user, under a temporary folder, on a free loopback port."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_url() -> Iterator[str | None]:
    """BENCH_POSTGRES_URL if set; else a new cluster; None where PostgreSQL is not installed."""
    if os.environ.get("BENCH_POSTGRES_URL"):
        yield os.environ["BENCH_POSTGRES_URL"]
        return
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries or shutil.which("su") is None:
        yield None
        return
    bin_dir, folder, port = binaries[-1], tempfile.mkdtemp(prefix="da-bench-pg."), _free_port()
    shutil.chown(folder, "postgres")

    def as_postgres(command: str) -> None:
        subprocess.run(
            ["su", "postgres", "-s", "/bin/bash", "-c", command], check=True, capture_output=True
        )

    as_postgres(f"{bin_dir}/initdb -D {folder}/data -A trust -U postgres --no-sync")
    as_postgres(f"{bin_dir}/pg_ctl -D {folder}/data -l {folder}/log -w -o "
                f"'-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off' start")  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            as_postgres(f"{bin_dir}/pg_ctl -D {folder}/data -m immediate stop")
        shutil.rmtree(folder, ignore_errors=True)
