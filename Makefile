# The two commands a fresh machine needs:  make site  (collect → summarise → build)  and  make test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site collect summarize build serve test lint e2e demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job. Collection failing (no key, no network) is reported in one line and the site is
# still built from the records already in data/.
site: $(STAMP)
	-$(BIN)/briefing collect
	$(BIN)/briefing summarize
	$(BIN)/pelican content -s pelicanconf.py -o output

collect: $(STAMP)
	$(BIN)/briefing collect

summarize: $(STAMP)
	$(BIN)/briefing summarize

build: $(STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o output

serve: $(STAMP)
	$(BIN)/briefing serve --output output

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 -q

clean:
	rm -rf output cache .pytest_cache
