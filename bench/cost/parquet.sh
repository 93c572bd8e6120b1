#!/usr/bin/env bash
# Parquet cost benchmark: `sageguard cost --cur FILE.parquet --group-by
# Project --format json` against DuckDB (@duckdb/node-api,
# `SELECT resource_tags['user_project'], sum(line_item_unblended_cost) ...
# GROUP BY 1` over read_parquet) on the same generated CUR 2.0 Parquet file
# (SNAPPY, as Data Exports writes it), both on every core, in the same run.
# Wall time and peak RSS from /usr/bin/time -v, best of REPS; both totals
# are checked against the generator's.
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

measure() {  # measure LABEL CMD... -> best wall s, its CPU s (user+sys), peak RSS MB, the total printed
  local label=$1
  shift
  local best="" rss="" cpu="" total=""
  for _ in $(seq "$REPS"); do
    /usr/bin/time -v -o "$OUT/time.txt" "$@" > "$OUT/out.json"
    local wall rs c
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.txt")
    rs=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$OUT/time.txt")
    c=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$OUT/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; rss=$rs; cpu=$c; fi
  done
  total=$(python3 -c "import json,sys; print(json.load(open('$OUT/out.json'))['total'])")
  python3 -c "
import sys
e, t = float('$EXPECTED'), float('$total')
ok = abs(e - t) <= 1e-6 * max(1.0, abs(e))
print('%-10s wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MB  total %.4f %s' % ('$label', $best, $cpu, $rss, t, 'ok' if ok else 'WRONG (expected %.4f)' % e))
sys.exit(0 if ok else 1)"
}

uptime
measure sageguard "$BIN" cost --cur "$FILE" --group-by Project --format json --threads "$CPUS"
DUCKDB_THREADS=$CPUS measure duckdb node "$HERE/duckdb_parquet_groupby.mjs" "$FILE"
uptime
