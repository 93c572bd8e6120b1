#!/usr/bin/env bash
# Cost benchmark: `sageguard cost --cur FILE --group-by Project --format json`
# against DuckDB (@duckdb/node-api, read_csv + GROUP BY), pandas (read_csv
# with usecols + groupby) and plain decompression (`gzip -dc > /dev/null`,
# and `igzip -dc`, isa-l's, when installed: the library sageguard inflates
# with), on the same generated legacy CUR gzip, in the same run. Wall time and
# peak RSS come from /usr/bin/time -v; each tool runs REPS times, the best is
# kept. Every tool's total is checked against the generator's expected total.
# `uptime` is printed before and after: the machine load matters for wall time.
#
#   bench/cost/run.sh                      # 1M rows, single file + 2-file split
#   TEN=1 bench/cost/run.sh                # + 10M rows (1M file x 10 gzip members), sageguard only
#   ROWS=10000000 bench/cost/run.sh        # a generated 10M-row file, all tools (slow)
#   SAGEGUARD_BIN=build/sageguard REPS=5 bench/cost/run.sh
#
# Needs: python3 (generator), /usr/bin/python3 with pandas, node + npm
# (installs @duckdb/node-api into bench/cost/node_modules on first run),
# /usr/bin/time (apt-get install time); optional: igzip (apt-get install isal).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROWS=${ROWS:-1000000}
REPS=${REPS:-3}
OUT=${OUT:-$ROOT/bench/out/cost}
BIN=${SAGEGUARD_BIN:-$ROOT/build/sageguard}
PANDAS_PY=${PANDAS_PY:-/usr/bin/python3}
SKIP_PEERS=${SKIP_PEERS:-}
TEN=${TEN:-}
mkdir -p "$OUT"

[ -x "$BIN" ] || { echo "sageguard not found at $BIN (set SAGEGUARD_BIN)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install -y time" >&2; exit 2; }

gen() {  # gen ROWS SEED FILE -> prints expected total
  local rows=$1 seed=$2 file=$3
  if [ ! -s "$file" ] || [ ! -s "$file.total" ]; then
    python3 "$HERE/gen_cur.py" --rows "$rows" --seed "$seed" --out "$file" \
      | sed -n 's/.*sagemaker_unblended_total=//p' > "$file.total"
  fi
  cat "$file.total"
}

SINGLE=$OUT/cur-$ROWS.csv.gz
HALF=$((ROWS / 2))
PART1=$OUT/cur-$HALF-a.csv.gz
PART2=$OUT/cur-$HALF-b.csv.gz
echo "generating inputs in $OUT (cached between runs)..." >&2
T_SINGLE=$(gen "$ROWS" 42 "$SINGLE")
T_P1=$(gen "$HALF" 43 "$PART1")
T_P2=$(gen "$HALF" 44 "$PART2")
T_PARTS=$(python3 -c "print($T_P1 + $T_P2)")

if [ -z "$SKIP_PEERS" ] && [ ! -d "$HERE/node_modules/@duckdb/node-api" ]; then
  echo "installing @duckdb/node-api into $HERE/node_modules..." >&2
  (cd "$HERE" && npm install --no-audit --no-fund >&2)
fi

# measure LABEL EXPECTED_TOTAL CMD... : best-of-REPS wall seconds and max RSS (MB).
RESULTS=$OUT/results.tsv
: > "$RESULTS"
measure() {
  local label=$1 expected=$2
  shift 2
  local best="" rss_best="" total="" cpu_best=""
  for _ in $(seq "$REPS"); do
    local log out
    log=$(mktemp) out=$(mktemp)
    /usr/bin/time -v "$@" > "$out" 2> "$log" || { echo "$label failed:" >&2; cat "$log" >&2; exit 1; }
    local wall rss cpu
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" |
      awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$log")
    if [ -z "$best" ] || awk "BEGIN { exit !($wall < $best) }"; then best=$wall; fi
    if [ -z "$cpu_best" ] || awk "BEGIN { exit !($cpu < $cpu_best) }"; then cpu_best=$cpu; fi
    if [ -z "$rss_best" ] || [ "$rss" -gt "$rss_best" ]; then rss_best=$rss; fi
    total=$(python3 -c 'import json,sys
t = sys.stdin.read().strip()
print(json.loads(t)["total"] if t.startswith("{") else "")' < "$out")
    rm -f "$log" "$out"
  done
  if [ -n "$expected" ] && [ -n "$total" ]; then
    python3 -c "import sys; e, g = $expected, $total; sys.exit(0 if abs(e - g) <= 1e-6 * max(1, abs(e)) else 1)" ||
      { echo "$label: total $total != expected $expected" >&2; exit 1; }
  fi
  printf '%s\t%s\t%s\t%s\n' "$label" "$best" "$((rss_best / 1024))" "$cpu_best" | tee -a "$RESULTS" >&2
}

UPTIME_BEFORE=$(uptime)
echo "load before: $UPTIME_BEFORE" >&2
echo "== $ROWS rows, best of $REPS (label, wall s, peak MB, cpu s) ==" >&2
measure "gzip -dc (1 file)" "" sh -c "gzip -dc '$SINGLE' > /dev/null"
if command -v igzip > /dev/null; then
  measure "igzip -dc (1 file)" "" sh -c "igzip -dc '$SINGLE' > /dev/null"
fi
measure "sageguard (1 file)" "$T_SINGLE" "$BIN" cost --cur "$SINGLE" --group-by Project --format json
measure "sageguard (1 file, --threads 1)" "$T_SINGLE" "$BIN" cost --cur "$SINGLE" --group-by Project --format json --threads 1
measure "gzip -dc (2 files, sequential)" "" sh -c "gzip -dc '$PART1' '$PART2' > /dev/null"
measure "sageguard (2 files, 2 threads)" "$T_PARTS" "$BIN" cost --cur "$PART1" "$PART2" --group-by Project --format json
if [ -z "$SKIP_PEERS" ]; then
  measure "duckdb (1 file)" "$T_SINGLE" node "$HERE/duckdb_groupby.mjs" "$SINGLE"
  measure "pandas (1 file)" "$T_SINGLE" "$PANDAS_PY" "$HERE/pandas_groupby.py" "$SINGLE"
fi
if [ -n "$TEN" ]; then
  # 10x the rows: the file as 10 concatenated gzip members (one stream; the
  # header rows inside it are not SageMaker rows, so they add nothing).
  TENFILE=$OUT/cur-$ROWS-x10.csv.gz
  [ -s "$TENFILE" ] || for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$SINGLE"; done > "$TENFILE"
  T_TEN=$(python3 -c "print(10 * $T_SINGLE)")
  measure "sageguard (10x rows, 1 file)" "$T_TEN" "$BIN" cost --cur "$TENFILE" --group-by Project --format json
fi
UPTIME_AFTER=$(uptime)
echo "load after: $UPTIME_AFTER" >&2

python3 - "$RESULTS" "$ROWS" "$(stat -c %s "$SINGLE")" "$(gzip -dc "$SINGLE" | wc -c)" "$UPTIME_BEFORE" "$UPTIME_AFTER" <<'EOF'
import sys
rows = {}
for l in open(sys.argv[1]):
    k, wall, mb, cpu = l.rstrip("\n").split("\t")
    rows[k] = (float(wall), int(mb), float(cpu))
n, gz, raw = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print("\n%d rows, %.1f MB gzip, %.1f MB CSV" % (n, gz / 1e6, raw / 1e6))
print("load before: %s\nload after:  %s\n" % (sys.argv[5].strip(), sys.argv[6].strip()))
print("| tool | wall s | CPU s (user+sys) | peak MB | rows/s (wall) |")
print("|---|---:|---:|---:|---:|")
for k, (s, m, c) in rows.items():
    r = n * (10 if "10x" in k else 1)
    print("| %s | %.2f | %.2f | %d | %.2fM |" % (k, s, c, m, r / s / 1e6 if s else 0))
sg, sgc = rows["sageguard (1 file)"][0], rows["sageguard (1 file)"][2]
print()
for floor in ("gzip -dc (1 file)", "igzip -dc (1 file)"):
    if floor in rows:
        print("sageguard vs %s: %.2fx the wall time, %.2fx the CPU (goal <= 1.5x)" %
              (floor.split(" (")[0], sg / rows[floor][0], sgc / rows[floor][2]))
for peer, goal in (("duckdb (1 file)", 3), ("pandas (1 file)", 5)):
    if peer in rows:
        print("%s / sageguard: %.2fx wall, %.2fx CPU (goal >= %dx)" %
              (peer.split()[0], rows[peer][0] / sg, rows[peer][2] / sgc, goal))
mem = [(k, v[1]) for k, v in rows.items() if k.startswith("sageguard")]
print("sageguard peak memory: %s (goal < 64 MB)" % ", ".join("%s %d MB" % kv for kv in mem))
EOF
