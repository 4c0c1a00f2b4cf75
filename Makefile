# Entry points for local work and CI. The logic lives in scripts/*.sh; every
# target installs what it needs (the Python tooling goes to .venv/).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PORT ?= 3000
EMULATOR_PORT ?= 5000
export PORT EMULATOR_PORT

.PHONY: help dev test emulator fmt lint venv walkthroughs events package invoke bench fuzz browser clients

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

dev: ## emulator (127.0.0.1:5000) + bootstrap + dev server (127.0.0.1:$PORT, default 3000) (Ctrl-C stops all)
	@bash scripts/dev.sh

test: ## fmt check, clippy, sam validate, bootstrap smoke, tests, against a private emulator (what CI runs)
	@bash scripts/test.sh

emulator: ## only the AWS emulator (moto) on 127.0.0.1:$EMULATOR_PORT (default 5000), in the foreground
	@bash scripts/emulator.sh run $(EMULATOR_PORT)

fmt: ## format the Rust code
	cargo fmt --all

lint: ## clippy (warnings are errors) and sam validate --lint
	cargo clippy --workspace --all-targets -- -D warnings
	@bash scripts/venv.sh test
	. scripts/env.sh && sam validate --lint --template-file template.yaml

venv: ## install the Python tooling make test uses (moto, SAM CLI, schemathesis, ...) into .venv
	@bash scripts/venv.sh test

walkthroughs: ## the README's walk-throughs, then make events, twice against a private dev stack (part of make test)
	@bash scripts/walkthroughs.sh

fuzz: ## fuzz every surface against its OpenAPI document (openapi/) on a private stack (part of make test)
	@bash scripts/fuzz.sh

browser: ## the hosted pages in headless Chromium with axe-core, on a private stack (part of make test; docs/pages.md)
	@bash scripts/browser.sh

clients: ## generate Python and TypeScript clients from every OpenAPI document, one call per surface (part of make test)
	@bash scripts/clients.sh

events: ## replay events/ against a running make dev, N/N as expected.json says (EVENT=users/get-me.json for one; events/README.md)
	@bash scripts/events.sh $(EVENT)

package: ## sam build of every function (release, arm64, no Docker) + zipped sizes (long: 10-30 min cold)
	@bash scripts/package.sh

invoke: ## one function under a local Lambda Runtime API: make invoke FN=users EVENT=events/users/get-me.json (needs make dev)
	@bash scripts/invoke.sh

bench: ## cold start, binary size, argon2 cost and a warm load run, printed as one table (release build; not part of make test)
	@bash scripts/bench.sh
