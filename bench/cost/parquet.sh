#!/usr/bin/env bash
# Parquet cost benchmark: `sageguard cost --cur FILE.parquet --group-by
# Project --format json` against DuckDB (@duckdb/node-api,
# `SELECT resource_tags['user_project'], sum(line_item_unblended_cost) ...
# GROUP BY 1` over read_parquet) on the same generated CUR 2.0 Parquet file
# (SNAPPY, as Data Exports writes it), both on every core, in the same run.
# Wall time, CPU time and peak RSS from /usr/bin/time -v, the median of REPS
# runs each, the two tools alternating; every total is checked against the
# generator's.
#
#   bench/cost/parquet.sh                    # 10M rows
#   ROWS=1000000 REPS=5 bench/cost/parquet.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROWS=${ROWS:-10000000}
REPS=${REPS:-3}
OUT=${OUT:-$ROOT/bench/out/cost}
BIN=${SAGEGUARD_BIN:-$ROOT/build/sageguard}
CPUS=$(nproc)
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "sageguard not found at $BIN (set SAGEGUARD_BIN)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install -y time" >&2; exit 2; }
if [ ! -d "$HERE/node_modules/@duckdb/node-api" ]; then
  (cd "$HERE" && npm install --no-audit --no-fund >&2)
fi

FILE=$OUT/cur2-$ROWS.snappy.parquet
if [ ! -s "$FILE" ] || [ ! -s "$FILE.total" ]; then
  echo "generating $FILE..." >&2
  node "$HERE/gen_cur2_parquet.mjs" "$ROWS" "$FILE" | sed -n 's/.*sagemaker_unblended_total=//p' > "$FILE.total"
fi
EXPECTED=$(cat "$FILE.total")
echo "file: $FILE ($(du -m "$FILE" | cut -f1) MB, $ROWS rows), expected total $EXPECTED, $CPUS CPUs" >&2

# One run of LABEL CMD...: wall s, CPU s (user+sys), peak RSS MB, appended
# to $OUT/LABEL.runs; the total printed is checked against the generator's.
run_once() {
  local label=$1
  shift
  /usr/bin/time -v -o "$OUT/time.txt" "$@" > "$OUT/out.json"
  local wall rss cpu total
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$OUT/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$OUT/time.txt")
  total=$(python3 -c "import json; print(json.load(open('$OUT/out.json'))['total'])")
  python3 -c "
import sys
e, t = float('$EXPECTED'), float('$total')
sys.exit(0 if abs(e - t) <= 1e-6 * max(1.0, abs(e)) else 1)" || { echo "$label: total $total, expected $EXPECTED" >&2; exit 1; }
  echo "$wall $cpu $rss" >> "$OUT/$label.runs"
}

# The median of REPS runs per tool (wall, CPU and peak RSS each), the two
# tools alternating so both see the same load.
rm -f "$OUT/sageguard.runs" "$OUT/duckdb.runs"
for rep in $(seq "$REPS"); do
  echo "run $rep/$REPS, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  run_once sageguard "$BIN" cost --cur "$FILE" --group-by Project --format json --threads "$CPUS"
  DUCKDB_THREADS=$CPUS run_once duckdb node "$HERE/duckdb_parquet_groupby.mjs" "$FILE"
done
for label in sageguard duckdb; do
  python3 -c "
import statistics
runs = [tuple(map(float, l.split())) for l in open('$OUT/$label.runs')]
med = [statistics.median(r[i] for r in runs) for i in range(3)]
print('%-10s median of %d: wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MB  (walls: %s)' % (
    '$label', len(runs), med[0], med[1], med[2], ', '.join('%.2f' % r[0] for r in runs)))"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
