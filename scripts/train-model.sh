#!/usr/bin/env bash
# Retrains models/blobs-classifier from scratch and confirms that the committed model.onnx and
# weights.json and samples/*.json are exactly what models/blobs-classifier/train.py produces.
#   scripts/train-model.sh            train into a temporary directory, compare byte for byte;
#                                     exit 1 and name each file that differs or is missing
#   scripts/train-model.sh --update   the same, then copy the fresh files over the committed ones
# Idempotent: the Python virtualenv lives in $DEAI_CACHE/model-venv (default
# ~/.cache/deai-chain/model-venv) and is (re)installed from requirements.txt only when that file
# changed since the last install.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$here/scripts/env.sh"

model_dir="$here/models/blobs-classifier"
venv="$DEAI_CACHE/model-venv"
python="${PYTHON:-python3}"
update=0
case "${1:-}" in
  "") ;;
  --update) update=1 ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

log() { printf '[train-model] %s\n' "$*"; }

if [ ! -x "$venv/bin/python" ]; then
  log "creating virtualenv $venv"
  mkdir -p "$DEAI_CACHE"
  if ! "$python" -m venv "$venv"; then
    rm -rf "$venv"
    echo "error: '$python -m venv' failed (on Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
fi
want=$(sha256sum "$model_dir/requirements.txt" | cut -d' ' -f1)
stamp="$venv/.deai-requirements.sha256"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  log "pip install -r models/blobs-classifier/requirements.txt"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$model_dir/requirements.txt"
  echo "$want" >"$stamp"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log "python train.py --out $out"
"$venv/bin/python" "$model_dir/train.py" --out "$out"

status=0
while IFS= read -r rel; do
  if [ ! -f "$model_dir/$rel" ]; then
    echo "MISSING: models/blobs-classifier/$rel is not committed, train.py writes it" >&2
    status=1
  elif ! cmp -s "$out/$rel" "$model_dir/$rel"; then
    echo "DIFFERS: models/blobs-classifier/$rel differs from what train.py produces" >&2
    status=1
  fi
done < <(cd "$out" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
for committed in "$model_dir"/model.onnx "$model_dir"/weights.json "$model_dir"/samples/*.json; do
  [ -e "$committed" ] || continue
  rel=${committed#"$model_dir"/}
  if [ ! -f "$out/$rel" ]; then
    echo "STALE: models/blobs-classifier/$rel is committed but train.py no longer writes it" >&2
    status=1
  fi
done

if [ $status = 0 ]; then
  log "OK: committed model.onnx ($(sha256sum "$model_dir/model.onnx" | cut -d' ' -f1)) and samples match train.py"
elif [ $update = 1 ]; then
  mkdir -p "$model_dir/samples"
  cp "$out/model.onnx" "$out/weights.json" "$model_dir/"
  cp "$out"/samples/*.json "$model_dir/samples/"
  log "updated the committed files: model.onnx sha256 $(sha256sum "$model_dir/model.onnx" | cut -d' ' -f1)"
  log "(remove any STALE file listed above by hand; update the figures in models/blobs-classifier/README.md)"
  status=0
fi
exit $status
