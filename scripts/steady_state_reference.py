#!/usr/bin/env python3
"""Run the endpoints steady-state script (scripts/steady_state_diagnostics.py, given by path)
with replay's token counter, as the oracle for replay's TypeScript port.

The script is imported as a module and run through its own main(argv) (its argparse, its
run(), its render_text, its json.dump); only its tokenizer factory is replaced by one that
sends each batch of texts to `node scripts/count-tokens-stdio.mjs --tokenizer <--tokenizer>`
and reads the counts back. Prints what the script prints; --json writes the script's file.

  python3 scripts/steady_state_reference.py --script PATH [--py312-sum] -- EVENTS --tokenizer DIR \
      --dataset-size N [the script's other flags] [--json OUT]

--py312-sum: give the module CPython 3.12's builtin sum() for floats (Neumaier-compensated;
3.11's adds left to right). The script declares requires-python >= 3.12; this runs it so on 3.11.
"""

import argparse
import importlib.util
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sum_312(iterable, start=0):
    """builtin sum() of CPython 3.12+: ints exactly, floats with Neumaier compensation."""
    it = iter(iterable)
    result = start
    for item in it:
        if isinstance(result, int) and isinstance(item, int):
            result += item
            continue
        result = result + item  # int 0 + the first float, as CPython's generic step
        if not isinstance(result, float):
            continue
        hi, lo = result, 0.0
        for x in it:
            if isinstance(x, int):
                hi += float(x)  # 3.12 adds an int item to the float total uncompensated
                continue
            t = hi + x
            if abs(hi) >= abs(x):
                lo += (hi - t) + x
            else:
                lo += (x - t) + hi
            hi = t
        if lo and math.isfinite(lo):
            hi += lo
        return hi
    return result


def node_counter(tokenizer):
    proc = subprocess.Popen(
        ["node", os.path.join(ROOT, "scripts", "count-tokens-stdio.mjs"), "--tokenizer", tokenizer],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="surrogatepass",
    )

    def count(texts):
        proc.stdin.write(json.dumps(list(texts)) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("token counter exited")
        counts = json.loads(line)
        if len(counts) != len(texts):
            raise RuntimeError("token counter returned the wrong number of counts")
        return counts

    return count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", required=True)
    ap.add_argument("--py312-sum", action="store_true")
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    argv = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    spec = importlib.util.spec_from_file_location("steady_state_diagnostics", args.script)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    if args.py312_sum:
        mod.sum = sum_312
    mod._make_token_counter = node_counter
    return mod.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
