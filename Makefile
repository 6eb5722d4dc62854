# All the work is in scripts/tools.py, which reads the pinned tools from wasm-pack.toml.
PYTHON ?= python3
PORT ?= 8080

.PHONY: serve test setup build bench clean

serve:
	$(PYTHON) scripts/tools.py serve --port $(PORT)

test:
	$(PYTHON) scripts/tools.py test

setup:
	$(PYTHON) scripts/tools.py setup --browser

build:
	$(PYTHON) scripts/tools.py build

# Prints validate throughput (next to pyotp and otpauth), page weight, time to first code and
# unlock time (scripts/bench.py).
bench: build
	$(PYTHON) scripts/bench.py

clean:
	rm -rf pkg target .tools test-output
