#!/usr/bin/env bash
# sageguard check on one generated Terraform module of N files (a folder
# walk), for two builds in the same run: BEFORE (a sageguard that re-read
# the folder's other files for each file's provider blocks) and AFTER.
# Prints /usr/bin/time's wall and CPU times, best of 3 by wall.
#
# usage: bench/terraform/run.sh BEFORE_SAGEGUARD AFTER_SAGEGUARD [N]
set -euo pipefail
before="${1:?usage: run.sh BEFORE_SAGEGUARD AFTER_SAGEGUARD [N]}"
after="${2:?usage: run.sh BEFORE_SAGEGUARD AFTER_SAGEGUARD [N]}"
n="${3:-200}"
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
python3 "$here/gen_module.py" "$out/module" "$n"
printf 'version: 1\n' > "$out/policy.yaml"
echo "module: $n files in $out/module ($(du -sh "$out/module" | cut -f1))"

best() {  # label, binary: best of 3 by wall time
  local label="$1" sg="$2" line best_line="" best_wall=""
  for _ in 1 2 3; do
    # Exit 1 means findings: expected.
    /usr/bin/time -o "$out/time" -f '%e %U %S %M' "$sg" check --policy "$out/policy.yaml" \
      --format json -o "$out/$label.json" "$out/module" >/dev/null 2>&1 || true
    line=$(tail -1 "$out/time")
    wall=${line%% *}
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
      best_wall=$wall; best_line=$line
    fi
  done
  set -- $best_line
  printf '%-7s wall %6s s  user %6s s  sys %6s s  max RSS %s KiB\n' "$label" "$1" "$2" "$3" "$4"
  python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['summary']; print('        files', s['files'], 'resources', s['resources'], 'findings', s['error']+s['warning']+s['note'])" "$out/$label.json"
}

best before "$before"
best after "$after"
