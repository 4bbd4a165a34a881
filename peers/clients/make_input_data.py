#!/usr/bin/env python3
"""Writes a perf_analyzer `--input-data` JSON file for one model of a running KServe v2 server.

Why: perf_analyzer's default `--input-data random` fills one buffer with rand() bytes and sends it
with every request; read as FP32, those bytes include NaN and Infinity, which servebench refuses
(400, "NaN as FP32 is not finite") unless the model sets allow_non_finite. This file holds
`--variants` batch-1 samples of finite values instead, drawn like servebench's own payload
generator draws them (FP32 uniform in [0, 1), UINT8 uniform in [0, 255]), seeded, base64 little-endian.
perf_analyzer sends the entries round-robin.

Usage: make_input_data.py --url 127.0.0.1:18300 --model mlp [--variants 8] [--seed 1] -o mlp.json
"""
import argparse
import base64
import json
import sys
import urllib.request

import numpy as np

DTYPES = {"FP32": np.float32, "FP64": np.float64, "FP16": np.float16, "UINT8": np.uint8, "INT8": np.int8, "INT32": np.int32, "INT64": np.int64}


def sample(rng, datatype, shape):
    dt = DTYPES.get(datatype)
    if dt is None:
        raise SystemExit(f"make_input_data: no generator for datatype {datatype}")
    if np.issubdtype(dt, np.floating):
        return rng.random(shape).astype(dt)
    lo, hi = (0, 256) if dt == np.uint8 else (-128, 128) if dt == np.int8 else (-1000, 1000)
    return rng.integers(lo, hi, size=shape).astype(dt)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="127.0.0.1:18300")
    ap.add_argument("--model", required=True)
    ap.add_argument("--variants", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    base = f"http://{args.url}/v2/models/{args.model}"
    meta = json.load(urllib.request.urlopen(base, timeout=10))
    config = json.load(urllib.request.urlopen(base + "/config", timeout=10))
    batched = config.get("max_batch_size", 0) > 0
    rng = np.random.default_rng(args.seed)
    data = []
    for _ in range(args.variants):
        entry = {}
        for t in meta["inputs"]:
            shape = list(t["shape"][1:] if batched else t["shape"])
            if any(d < 0 for d in shape):
                raise SystemExit(f"make_input_data: input {t['name']} has a dynamic shape {t['shape']}; give fixed dims")
            a = sample(rng, t["datatype"], shape)
            entry[t["name"]] = {"b64": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode("ascii")}
        data.append(entry)
    with open(args.output, "w") as f:
        json.dump({"data": data}, f)
    print(f"wrote {args.output}: {args.variants} samples for {args.model} ({', '.join(t['name'] for t in meta['inputs'])})", file=sys.stderr)


if __name__ == "__main__":
    main()
