#!/usr/bin/env bash
# perf_analyzer (HTTP, binary tensors) against a running KServe v2 server: concurrency 1..4 (closed
# loop) and request rates 200 and 400/s (open loop, --async), each with a CSV (-f) and the CPU time
# perf_analyzer used (/usr/bin/time -v). Exits non-zero when a run fails.
#   peers/clients/perf_analyzer_runs.sh [host:port] [model] [outdir]
# Env: PA_WINDOW_MS (3000), PA_STABILITY_PCT (50: two shared cores are noisy), PA_EXPORT=1 adds
# --profile-export-file (large: every request's inputs and outputs, ~1 GB for 80 s of mlp).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
URL="${1:-127.0.0.1:18300}"
MODEL="${2:-mlp}"
OUT="${3:-$ROOT/reports/perf_analyzer-$MODEL}"
WINDOW="${PA_WINDOW_MS:-3000}"
STABILITY="${PA_STABILITY_PCT:-50}"
mkdir -p "$OUT"

"$ROOT/.peers/clients/bin/python" "$HERE/make_input_data.py" --url "$URL" --model "$MODEL" -o "$OUT/input_data.json"

timed() { # name, perf_analyzer args...
  local name="$1"; shift
  local export=()
  [ "${PA_EXPORT:-0}" = 1 ] && export=(--profile-export-file "$OUT/$name.profile.json")
  local time=()
  [ -x /usr/bin/time ] && time=(/usr/bin/time -v -o "$OUT/$name.time")
  echo "+ perf_analyzer -m $MODEL -u $URL -i http --input-data $OUT/input_data.json $* -p $WINDOW -s $STABILITY -f $OUT/$name.csv --verbose-csv ${export[*]}" >&2
  "${time[@]}" "$HERE/perf_analyzer" -m "$MODEL" -u "$URL" -i http --input-data "$OUT/input_data.json" "$@" \
    -p "$WINDOW" -s "$STABILITY" -f "$OUT/$name.csv" --verbose-csv "${export[@]}" | tee "$OUT/$name.out"
}

timed concurrency --concurrency-range 1:4:1
timed rate --request-rate-range 200:400:200 --async
echo "perf_analyzer_runs: results in $OUT" >&2
