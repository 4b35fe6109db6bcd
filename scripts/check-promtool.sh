#!/usr/bin/env bash
# Checks replay's metrics files with Prometheus' own tools (not part of npm test:
# promtool is not on npm, nor in Debian's apt for CI):
#   1. promtool check metrics < metrics.txt prints nothing and exits 0;
#   2. promtool tsdb create-blocks-from openmetrics loads metrics.prom, and
#      promtool tsdb dump reads back every sample of it, value for value;
#   3. with prometheus installed too: histogram_quantile(0.99, <name>_bucket) over the
#      backfilled blocks equals metrics_p99.json's histogram_quantile_p99 (1e-12).
#
#   scripts/check-promtool.sh [OUT-DIR]
# OUT-DIR holds metrics.prom, metrics.txt, metrics_p99.json (replay recompute --openmetrics);
# without it, the demo run is replayed with --openmetrics into a temporary directory.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
command -v promtool >/dev/null || { echo "check-promtool: promtool is not installed (https://prometheus.io/download/)" >&2; exit 2; }
WORK="$(mktemp -d)"
PROM_PID=""
cleanup() { [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

OUT="${1:-}"
if [ -z "$OUT" ]; then
  OUT="$WORK/out"
  node "$ROOT/bin/replay.js" recompute "$ROOT/fixtures/demo-run" --out "$OUT" --openmetrics --openmetrics-start 2026-11-20T14:03:00Z --quiet >/dev/null
fi
for f in metrics.prom metrics.txt metrics_p99.json; do
  [ -f "$OUT/$f" ] || { echo "check-promtool: $OUT/$f is missing (run replay recompute --openmetrics)" >&2; exit 2; }
done

echo "1. promtool check metrics $OUT/metrics.txt"
lint="$(promtool check metrics < "$OUT/metrics.txt" 2>&1)" || { echo "$lint"; exit 1; }
[ -z "$lint" ] || { echo "$lint"; exit 1; }

echo "2. promtool tsdb create-blocks-from openmetrics $OUT/metrics.prom"
promtool tsdb create-blocks-from openmetrics "$OUT/metrics.prom" "$WORK/tsdb" >/dev/null
mkdir -p "$WORK/tsdb/wal"
promtool tsdb dump "$WORK/tsdb" > "$WORK/dump.txt"
node - "$OUT/metrics.prom" "$WORK/dump.txt" <<'EOF'
const fs = require('node:fs');
const [prom, dump] = process.argv.slice(2).map((f) => fs.readFileSync(f, 'utf8'));
const labelsOf = (s) => Object.fromEntries([...s.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
const stored = new Map();
for (const line of dump.split('\n')) {
  const d = /^\{(.*)\} (\S+) (\d+)$/.exec(line);
  if (d) { const l = labelsOf(d[1]); stored.set(`${l.__name__}|${l.le ?? ''}|${d[3]}`, Number(d[2])); }
}
let n = 0;
for (const line of prom.split('\n')) {
  if (line === '' || line.startsWith('#')) continue;
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+) (\S+)$/.exec(line);
  if (!m) { console.error(`unreadable line: ${line}`); process.exit(1); }
  const key = `${m[1]}|${labelsOf(m[2]).le ?? ''}|${Math.trunc(Number(m[4]) * 1000)}`;
  if (stored.get(key) !== Number(m[3])) { console.error(`not read back: ${line} (tsdb: ${stored.get(key)})`); process.exit(1); }
  n++;
}
if (n !== stored.size) { console.error(`${n} samples written, ${stored.size} in the tsdb`); process.exit(1); }
console.log(`   ${n} samples read back`);
EOF

if ! command -v prometheus >/dev/null; then
  echo "3. skipped: prometheus is not installed"
  exit 0
fi
echo "3. histogram_quantile(0.99) in Prometheus vs metrics_p99.json"
printf 'global: {}\n' > "$WORK/prometheus.yml"
PORT=$((20000 + RANDOM % 20000))
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" --web.listen-address="127.0.0.1:$PORT" --storage.tsdb.retention.time=100y >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
node - "$PORT" "$OUT/metrics.prom" "$OUT/metrics_p99.json" <<'EOF'
const fs = require('node:fs');
const [port, promFile, p99File] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const end = Math.max(...fs.readFileSync(promFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => Number(l.split(' ').pop())));
(async () => {
  for (let i = 0; i < 150; i++) {
    if (await fetch(`${base}/-/ready`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const p of JSON.parse(fs.readFileSync(p99File, 'utf8'))) {
    const q = encodeURIComponent(`histogram_quantile(0.99, ${p.name}_bucket)`);
    const res = await (await fetch(`${base}/api/v1/query?query=${q}&time=${end}`)).json();
    const got = Number(res.data.result[0]?.value[1]);
    const want = p.histogram_quantile_p99;
    const ok = want === null ? Number.isNaN(got) : Math.abs(got - want) <= 1e-12 * Math.abs(want);
    console.log(`   ${ok ? 'ok  ' : 'DIFF'} ${p.name}: prometheus ${got}, replay ${want}`);
    if (!ok) process.exitCode = 1;
  }
})();
EOF
