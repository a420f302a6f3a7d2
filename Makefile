# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := challenge

.PHONY: run dev test test-postgres install install-test debian-packages migrate seed lint clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The English catalog, compiled from the committed .po (the .mo is git-ignored).
MO := translations/en/LC_MESSAGES/messages.mo
$(MO): translations/en/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations -l en

# After adding strings: extract them (babel.cfg) and merge the new msgids into the catalog; then
# write their English in the .po (or fill it from a PO file: translations/fill.py file.po).
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
		--ignore-dirs '.* __pycache__' \
		-o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations -l en --no-wrap \
		--no-fuzzy-matching --ignore-obsolete
	rm translations/messages.pot
install-test: $(VENV)/.installed-test

# A random secret key for this machine, written once (instance/ is git-ignored).
instance/config.py:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@

migrate: $(VENV)/.installed instance/config.py
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo --if-empty

# gunicorn with the repository's configuration (deploy/gunicorn.conf.py) on http://127.0.0.1:5000.
run: $(VENV)/.installed $(MO) instance/config.py seed
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

# Flask's development server: reloads on every change, the debugger on errors.
dev: $(VENV)/.installed $(MO) instance/config.py seed
	$(BIN)/flask --app challenge run --debug --host 127.0.0.1 --port 5000

# Debian packages the tests use, installed with apt-get when missing (as root): Chromium and CJK
# fonts for the browser tests (never `playwright install`), redis-server for the job tests (each
# run starts its own on a free port), nginx for the deploy kit's site in front of the live app and
# systemd's analyzer for its units, npm for axe-core (below).
debian-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v systemd-analyze >/dev/null 2>&1 || missing="$$missing systemd"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "测试需要这些 Debian 软件包：sudo apt-get install$$missing" >&2; exit 1; fi

# axe-core, the accessibility checker tests/browser/test_axe.py injects into Chromium: from the npm
# registry at the version package-lock.json pins (never a CDN); node_modules/ is git-ignored.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json | debian-packages
	npm ci --no-audit --no-fund --silent
	touch $@

# PYTEST_ARGS passes options on, e.g. `make test PYTEST_ARGS="-n 2 --dist loadfile"` (one process
# per core, each with its own database) or `PYTEST_ARGS="-m 'not browser'"`.
PYTEST_ARGS ?=

test: $(VENV)/.installed-test $(MO) debian-packages $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite against a throwaway PostgreSQL server (installed with apt when missing).
test-postgres: $(VENV)/.installed-test $(MO) debian-packages $(AXE)
	bash .ci/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache node_modules
