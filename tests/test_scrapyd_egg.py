"""Scrapyd deployment: the egg `scrapyd-deploy` builds carries the settings entry point and
can migrate a database from inside the zip (where Alembic cannot list a folder)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import PROJECT

DEPLOY = Path(sys.executable).parent / "scrapyd-deploy"
pytestmark = pytest.mark.skipif(not DEPLOY.exists(), reason="scrapyd-client is not installed")


@pytest.fixture(scope="module")
def egg(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("egg")
    checkout = work / "project"
    shutil.copytree(
        PROJECT,
        checkout,
        ignore=shutil.ignore_patterns(".venv", "data", "*.egg-info", "build", ".*cache*"),
    )
    out = work / "project.egg"
    subprocess.run(
        [str(DEPLOY), "--build-egg", str(out)], cwd=checkout, check=True, capture_output=True
    )
    return out


def test_egg_names_the_settings_for_scrapyd(egg):
    with zipfile.ZipFile(egg) as archive:
        entry_points = configparser.ConfigParser()
        entry_points.read_string(archive.read("EGG-INFO/entry_points.txt").decode())
        assert entry_points["scrapy"]["settings"] == "settings"
        names = archive.namelist()
    assert {"settings.py", "spiders/collection.py", "models/migrations/env.py"} <= set(names)
    assert any(n.startswith("models/migrations/versions/0001_") for n in names)


def test_database_is_migrated_from_inside_the_egg(egg, tmp_path):
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import models.db as db; assert '.egg' in db.__file__, db.__file__;"
        "engine = db.prepare_database(sys.argv[2]); print(db.is_current(engine))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(egg), f"sqlite:///{tmp_path / 'a.db'}"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"
