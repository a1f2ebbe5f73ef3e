# The two commands a fresh machine needs:  make site  (collect → summarise → build)  and  make test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site collect summarize build serve test lint e2e demo bench clean \
	publish-install publish-collect publish-summarize publish-commit publish-build publish-report \
	publish-size publish-decide publish-deploy publish-mark

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job. Collection that could do nothing (no key, no network: exit 1) says why and what to
# do next in one line, and the site is still built from the records already in data/. Any other
# failure (75: another run holds the data folder's lock) stops here.
site: $(STAMP)
	@$(BIN)/briefing collect || [ $$? -eq 1 ]
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

# --- The scheduled publish: .github/workflows/publish.yml runs these targets, in this order, and
# `make e2e` runs the very same ones against the fake portal and fake LLM. They use `briefing`
# from PATH (the workflow installs into the runner's Python). BRIEFING_LIMIT / BRIEFING_FORCE come
# from the manual dispatch inputs and are passed as quoted shell values, never spliced into code.
publish-install:
	python -m pip install --quiet --upgrade pip
	python -m pip install --quiet -e .

publish-collect:
	briefing report --begin
	briefing collect $${BRIEFING_LIMIT:+--limit "$$BRIEFING_LIMIT"}

publish-summarize:
	briefing summarize $${BRIEFING_LIMIT:+--limit "$$BRIEFING_LIMIT"} $$([ "$$BRIEFING_FORCE" = true ] && echo --force)

publish-commit:
	bash scripts/commit_data.sh

publish-build:
	SITEURL="$$(python scripts/site_url.py)" briefing build --publish

publish-report:
	briefing report

# Build and deploy, or skip both when this commit (and the build variables, and the target) is
# already deployed: writes build=true|false and the state line to $GITHUB_OUTPUT (docs/deploy.md).
publish-decide:
	briefing should-build

# The S3-compatible target (BRIEFING_DEPLOY_TARGET=s3://bucket/prefix): only changed files go up.
publish-deploy:
	briefing deploy --target "$$BRIEFING_DEPLOY_TARGET" --site output --state cache/deploy-s3.json

# After a successful deploy: keep publish-decide's state line for the next run (the Actions cache
# carries deploy-state/ from run to run).
publish-mark:
	mkdir -p deploy-state
	printf '%s\n' "$$BRIEFING_DEPLOY_STATE" > deploy-state/.last-deploy.tmp
	mv deploy-state/.last-deploy.tmp deploy-state/last-deploy.json

# The built site's bytes and files against GitHub Pages' 1 GB limit (a warning from 80 %).
publish-size:
	briefing report --site output

# Runs the publish targets twice in a throw-away clone against the fake portal and fake LLM.
e2e: $(STAMP)
	$(BIN)/python scripts/e2e.py

# A complete site (search and chat included) from the sample releases in demo/, no network, no key.
demo: $(STAMP)
	$(BIN)/python scripts/demo.py
