#!/usr/bin/env bash
# `make test` (and so CI): every stage in order, each timed. The table of stage times is printed at
# the end, also when a stage fails, so that every change can see what it costs. The cheap gates
# (formatting, lints) come first and fail fast, before the long builds.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

names=()
seconds=()
results=()
started=$(date +%s)

report() {
  local total=$(( $(date +%s) - started ))
  printf '\n%-44s %9s  %s\n' "stage" "time" "result"
  printf '%-44s %9s  %s\n' "--------------------------------------------" "---------" "------"
  for i in "${!names[@]}"; do
    printf '%-44s %6dm%02ds  %s\n' "${names[$i]}" $(( seconds[i] / 60 )) $(( seconds[i] % 60 )) "${results[$i]}"
  done
  printf '%-44s %6dm%02ds\n' "total" $(( total / 60 )) $(( total % 60 ))
}
trap report EXIT

# run NAME COMMAND...: runs a stage, records its time, stops at the first failure.
run() {
  local name=$1
  shift
  echo "==> $name"
  local t0=$SECONDS
  "$@"
  local rc=$?
  names+=("$name")
  seconds+=($(( SECONDS - t0 )))
  if [ $rc -eq 0 ]; then results+=("ok"); else results+=("FAILED ($rc)"); exit $rc; fi
}

# The e2e suite runs in one node process; the spec reporter closes each area (a top-level
# `describe`) with its duration, which goes into the table after the whole suite's line.
e2e() {
  local log
  log=$(mktemp)
  make -s test-e2e 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local pattern='^(✔|✖) (.*) \(([0-9]+)(\.[0-9]+)?ms\)$'
  while IFS= read -r line; do
    [[ $line == ℹ\ tests* ]] && break # the summary repeats the failures
    if [[ $line =~ $pattern ]]; then
      names+=("  e2e: ${BASH_REMATCH[2]:0:38}")
      seconds+=($(( BASH_REMATCH[3] / 1000 )))
      if [ "${BASH_REMATCH[1]}" = "✔" ]; then results+=("ok"); else results+=("FAILED"); fi
    fi
  done < <(sed 's/\x1b\[[0-9;]*m//g' "$log")
  rm -f "$log"
  return "$rc"
}

run "setup" make -s setup
run "format (cargo fmt --check)" make -s fmt
run "lint (cargo clippy -D warnings)" make -s lint
run "build: node" make -s node
run "build: tools (deai-worker, deai)" make -s tools
run "build: contracts" make -s contracts
run "rust tests" make -s test-rust
run "contract tests" make -s test-contracts
run "benchmarks (once each, in the mocks)" make -s test-benchmarks
run "e2e tests" e2e
run "live state (try-runtime)" make -s test-live-state
run "zombienet" make -s test-zombienet
