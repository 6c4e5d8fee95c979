# DeAI Chain: the two commands a person needs are `make run` and `make test`.
# Every target sources scripts/env.sh, so all builds share one cargo target directory outside
# the clone ($HOME/.cache/deai-chain/target unless CARGO_TARGET_DIR is set).

SHELL := /bin/bash
ENV := source scripts/env.sh &&
NODE := $${CARGO_TARGET_DIR}/debug/deai-node
RPC_PORT ?= 9944
# The state the e2e suite's chain ends in, written by the suite, checked by test-live-state.
STATE_SNAPSHOT ?= $${DEAI_CACHE}/e2e-state.json
# The state of the e2e upgrade test's chain just before it upgrades (the previous release's
# runtime and storage): test-live-state runs this runtime's migrations on it, with their checks.
UPGRADE_SNAPSHOT ?= $${DEAI_CACHE}/e2e-upgrade-state.json

.PHONY: run test setup fmt lint node tools contracts explorer test-contracts test-rust test-benchmarks test-e2e test-live-state zombienet test-zombienet relay chain-specs weights bench-fill

EXPLORER_PORT ?= 8080
EXPLORER_HOST ?= 127.0.0.1

## Set up the machine, build the node and the explorer, and run a development chain on
## ws://127.0.0.1:9944 with DeAI Explorer on http://127.0.0.1:8080 (RPC_PORT, EXPLORER_PORT and
## EXPLORER_HOST change them). Ctrl-C (or a signal to make) stops both.
run: setup node explorer
	@$(ENV) echo "DeAI Chain dev node: RPC ws://127.0.0.1:$(RPC_PORT)" && \
	  echo "polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$(RPC_PORT)#/explorer" && \
	  { "$(NODE)" --dev --tmp --rpc-port $(RPC_PORT) --rpc-cors all & } && node=$$! && \
	  { node explorer/serve.mjs --host $(EXPLORER_HOST) --port $(EXPLORER_PORT) --rpc ws://127.0.0.1:$(RPC_PORT) & } && \
	  explorer=$$! && trap 'kill $$explorer $$node 2>/dev/null' EXIT INT TERM && wait $$node

## Builds DeAI Explorer (explorer/: type-checked, bundled by Vite into explorer/dist, no CDN).
explorer:
	@cd explorer && npm run --silent build -- --logLevel warn

## Everything CI runs, each stage timed (scripts/test.sh prints the table): formatting and lint
## gates first, then the builds, the Rust tests (pallets, runtime, chain specs), the end-to-end
## tests and the zombienet test.
test:
	@bash scripts/test.sh

## Installs what the builds and tests need (Debian packages, the WASM target, the e2e tests' and
## zombienet's npm packages), idempotently.
setup:
	@bash scripts/setup.sh

## The formatting gate: the workspace and the ink! contracts are rustfmt-clean (.rustfmt.toml).
fmt:
	@cargo fmt --all --check && \
	  for contract in contracts/*/; do (cd "$$contract" && cargo fmt --check) || exit 1; done

## The lint gate: clippy over the workspace and the tools, every target, warnings as errors (the
## lints are in Cargo.toml's [workspace.lints]). Two invocations, with the same crate selections
## as test-rust, so that their build scripts (the WASM runtime, RocksDB) are the tests' own.
lint: setup
	@$(ENV) cargo clippy --locked --workspace --all-targets --exclude deai-client --exclude deai-worker \
	    --exclude deai-cli -- -D warnings && \
	  cargo clippy --locked --all-targets -p deai-client -p deai-worker -p deai-cli -- -D warnings

## Builds deai-node, with the runtime's WASM blob.
node:
	@$(ENV) cargo build --locked -p deai-node

## Builds the off-chain tools: `deai-worker` (the provider's agent) and `deai` (the command line).
tools:
	@$(ENV) cargo build --locked -p deai-worker -p deai-cli

## Builds the example ink! contracts (contracts/*) into $(DEAI_CACHE)/contracts, for the e2e tests.
contracts:
	@bash scripts/build-contracts.sh

## The contracts' off-chain tests (a mock chain extension routed by deai-abi's ids; their SCALE
## mirrors checked against deai-abi's vectors), in the contracts' own target directory.
test-contracts:
	@$(ENV) export CARGO_TARGET_DIR="$$DEAI_CACHE/contracts-target" && \
	  for contract in contracts/*/; do (cd "$$contract" && cargo test --locked --quiet) || exit 1; done

## The off-chain tools are tested in their own cargo invocation: built together with the runtime
## crates, their client dependencies (subxt's RPC stack) would change the features of crates the
## node shares and rebuild it.
test-rust:
	@$(ENV) cargo test --locked --workspace --exclude deai-client --exclude deai-worker --exclude deai-cli && \
	  cargo test --locked -p deai-client -p deai-worker -p deai-cli -p deai-zk --features deai-zk/prover

## Every benchmark of the DeAI pallets, run once in its pallet's mock: benchmark code is
## compiled only with `runtime-benchmarks`, so without this it could rot unseen until `make weights`.
test-benchmarks:
	@$(ENV) SKIP_WASM_BUILD=1 cargo test --locked --quiet -p pallet-compute-market -p pallet-model-registry \
	    -p pallet-contributor-rewards -p pallet-zk-verifier -p pallet-ai-oracle -p pallet-federated \
	    -p pallet-relay-randomness --features runtime-benchmarks benchmarks::

## The end-to-end tests, against the one production node build: they give their `--dev` chain the
## short periods of a test chain (the runtime's `FastPeriods`) with sudo, as their first step.
test-e2e: node tools contracts explorer
	@$(ENV) rm -f "$(STATE_SNAPSHOT)" "$(UPGRADE_SNAPSHOT)" && cd tests/e2e && \
	  DEAI_NODE="$(NODE)" DEAI_STATE_SNAPSHOT="$(STATE_SNAPSHOT)" \
	  DEAI_UPGRADE_SNAPSHOT="$(UPGRADE_SNAPSHOT)" npm test

## The runtime's try-runtime checks against live state (runtime/tests/live_state.rs): the upgrade
## hooks with their pre/post checks, every pallet's try_state and the books, on the state the
## e2e suite's chain ended in (or STATE_SNAPSHOT=file, from tests/e2e/lib/snapshot.mjs), then on
## the previous release's chain the upgrade test saved (UPGRADE_SNAPSHOT), where this runtime's
## migrations really run. `UPGRADE_SNAPSHOT=` (empty) checks only the first.
test-live-state:
	@$(ENV) for state in "$(STATE_SNAPSHOT)" "$(UPGRADE_SNAPSHOT)"; do \
	  [ -n "$$state" ] || continue; \
	  test -f "$$state" || { echo "no state snapshot $$state: run make test-e2e first"; exit 1; }; \
	  echo "live state: $$state"; \
	  SKIP_WASM_BUILD=1 DEAI_LIVE_STATE="$$(realpath "$$state")" \
	    cargo test --locked -p deai-runtime --features try-runtime --test live_state -- --nocapture || exit 1; \
	done

## A local testnet: relay chain (rococo-local) + DeAI Chain para 2000, until Ctrl-C. Builds the
## relay binaries first when they are not cached (once; over an hour).
zombienet: setup node
	@bash scripts/zombienet.sh spawn

## The zombienet test (zombienet/deai-local.zndsl); skipped, with one line, without relay binaries.
test-zombienet: node
	@bash scripts/zombienet.sh test

## Builds the relay binaries (polkadot 41.0.0 and its workers) into the cache.
relay:
	@bash scripts/build-relay.sh

## Regenerates chain-specs/ from the runtime's genesis presets.
chain-specs: node
	@$(ENV) bash scripts/chain-specs.sh

## Regenerates the DeAI pallets' weights with `deai-node benchmark pallet` (slow: not part of `make test`).
weights:
	@bash scripts/benchmark.sh

## Fills blocks with one call on a dev node of its own (CALL=transfer_keep_alive|post_job|remark|lifecycle|redundant|oracle,
## BLOCKS=3) and reports transactions per block and the resource that binds, transfer_keep_alive
## measured alike as the yardstick (not part of `make test`: a measurement, not a check).
CALL ?= post_job
BLOCKS ?= 3
bench-fill: node
	@cd tests/e2e && node bench-fill.mjs --call $(CALL) --blocks $(BLOCKS)
