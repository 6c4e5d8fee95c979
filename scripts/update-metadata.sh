#!/usr/bin/env bash
# Regenerates client/metadata/deai.scale (the runtime metadata, V15, from which subxt generates
# the typed client of deai-worker and the deai CLI) from the runtime itself, natively: the
# runtime test `metadata` writes it when UPDATE_METADATA is set, and fails without it whenever the
# committed file is stale (so CI catches a runtime change that forgot this step).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
UPDATE_METADATA=1 cargo test --locked -p deai-runtime --test metadata -- --nocapture
