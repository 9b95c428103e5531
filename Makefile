# The two commands of the README:  make serve  |  make test
# Both create .venv on first use; pyproject.toml pins torch, gradio and the rest.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 7860
# Datasets (MNIST for the map's test digits and for the tests); online users may leave it
# unset and torchvision downloads MNIST on first use.
export GENHUB_DATA ?= $(firstword $(wildcard $(abspath ../shared/datasets)))
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: serve test setup lint bench clean system-deps

$(BIN)/genhub: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/genhub

serve: $(BIN)/genhub
	$(BIN)/genhub serve --port $(PORT)

# The browser tests drive Debian's Chromium (Playwright's own browser download needs internet);
# the Fashion-MNIST judge and CGAN tests read Debian's dataset-fashion-mnist.
system-deps:
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	[ -d /usr/share/datasets/fashion-mnist ] || [ -d "$$GENHUB_DATA/fashion-mnist" ] || missing="$$missing dataset-fashion-mnist"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "the tests need: sudo apt-get install $$missing"; exit 1; fi; fi

test: $(BIN)/genhub system-deps
	$(BIN)/python -m pytest -q --durations=10

lint: $(BIN)/genhub
	$(BIN)/ruff check hub plugins training spaces bench tests setup.py examples

bench: $(BIN)/genhub
	$(BIN)/python -m bench.hub_speed
	$(BIN)/python -m bench.vae_quality --k 1000 --limit 1000 --variants mnist-2d

clean:
	rm -rf $(VENV) runs .pytest_cache
