#!/usr/bin/env bash
# Builds TorchServe model archives (<model>.mar) for servebench's reference ONNX models.
#   peers/torchserve/build-mar.sh MODEL_STORE [MODEL ...]      (models default: mlp cnn)
# Each archive holds models/<m>/1/model.onnx (serialized file), config.json (extra file: the
# handler reads input dims, preprocess and postprocess from it) and handler.py.
# The archive version is "1", matching the models/<m>/1 folder; serve.sh's `models=` uses it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${SB_TORCHSERVE_VENV:-$root/.peers/torchserve}"
store="${1:?usage: build-mar.sh MODEL_STORE [MODEL ...]}"
shift
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(mlp cnn)
mkdir -p "$store"
for m in "${models[@]}"; do
  dir="$root/models/$m/1"
  [ -f "$dir/model.onnx" ] && [ -f "$dir/config.json" ] || { echo "build-mar: no $dir/model.onnx + config.json" >&2; exit 2; }
  "$venv/bin/torch-model-archiver" --force \
    --model-name "$m" --version 1 \
    --serialized-file "$dir/model.onnx" \
    --extra-files "$dir/config.json" \
    --handler "$here/handler.py" \
    --export-path "$store"
  echo "build-mar: $store/$m.mar"
done
