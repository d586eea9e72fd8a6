# The two commands of the README: `make crawl` and `make test`. Each creates .venv/ and
# installs what it needs when that is missing or pyproject.toml changed.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: crawl test lint format fixtures check-fixtures citations-report mirror serve bench bench-quick clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

## Crawl the bundled offline mirror of the Korean War Armistice collection into data/archive.db.
crawl: $(STAMP)
	$(VENV)/bin/scrapy crawl collection -s DA_OFFLINE=1 -s LOG_LEVEL=WARNING

## Run the test suite (PostgreSQL tests run when TEST_POSTGRES_URL is set, as in .ci/run).
test: $(STAMP)
	$(PY) -m pytest -q

## Style, types and the layers' import contracts (docs/architecture.md).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Regenerate fixtures/site/ from fixtures/data/documents.toml, then refresh the parsers'
## stored cases (fixtures/cases/: inputs re-copied, every expected.json rewritten; review the diff).
fixtures: $(STAMP)
	$(PY) fixtures/build.py
	$(PY) -m fixtures.cases

## Fail when fixtures/site/ or a case of fixtures/cases/ is out of date (CI runs it).
check-fixtures: $(STAMP)
	$(PY) fixtures/build.py --check
	$(PY) -m fixtures.cases --check

## The citation parser on the real source strings of fixtures/real/sources.toml: every string
## it gets wrong, field by field, and the share it gets exactly right.
citations-report: $(STAMP)
	$(PY) -m fixtures.real_citations

## Benchmarks (not part of `make test`): table on stdout, figures in bench/results/latest.json.
bench: $(STAMP)
	$(PY) -m bench.run

bench-quick: $(STAMP)
	$(PY) -m bench.run --quick

## Serve the offline mirror over HTTP on 127.0.0.1:8000.
mirror: $(STAMP)
	PYTHONPATH=tests $(PY) -m support.mirror --port 8000

## The reading room: Datasette over data/archive.db on 127.0.0.1:8001 (SERVE_PORT=…), with
## datasette/metadata.json, its document page (templates/) and downloads (plugins/).
SERVE_PORT ?= 8001
serve: $(STAMP)
	$(VENV)/bin/datasette serve data/archive.db --host 127.0.0.1 --port $(SERVE_PORT) \
		--metadata datasette/metadata.json --template-dir datasette/templates \
		--plugins-dir datasette/plugins --setting suggest_facets off

clean:
	rm -rf $(VENV) data/archive.db data/archive.db-wal data/archive.db-shm
