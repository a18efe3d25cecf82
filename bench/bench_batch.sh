#!/usr/bin/env bash
# Strong scaling of `evacsim batch` (bench/README.md, "bench_batch"): the
# same generated county at 1, 2, ... MPI ranks of one thread each, timed
# from launch to exit, with the outputs compared byte for byte between
# rank counts. Prints one JSON line per rank count.
#   bench/bench_batch.sh [EVACSIM]   (default build/evacsim)
#   RANKS="1 2 4" BUILDINGS=8 REPS=4 bench/bench_batch.sh
set -euo pipefail
evac=${1:-build/evacsim}
ranks=${RANKS:-"1 2"}
buildings=${BUILDINGS:-8}
reps=${REPS:-4}
mpirun=${MPIRUN:-mpirun}
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench_batch.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$evac" gen county --buildings "$buildings" --floors-max 4 --occupants-max 10 \
  --duration 300 --reps "$reps" --seed 11 -o "$dir/county" >/dev/null
t1=""
for k in $ranks; do
  out="$dir/out-$k"
  load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
  start=$(date +%s.%N)
  if [ "$k" -eq 1 ]; then
    OMP_NUM_THREADS=1 "$evac" batch "$dir/county/county.json" -o "$out" \
      --threads 1 --quiet
  else
    OMP_NUM_THREADS=1 "$mpirun" --allow-run-as-root --oversubscribe -n "$k" \
      "$evac" batch "$dir/county/county.json" -o "$out" --threads 1 --quiet
  fi
  end=$(date +%s.%N)
  tasks=$(ls "$out/tasks" | wc -l)
  same=true
  first=$(set -- $ranks; echo "$1")
  for f in county.h5 county.csv; do
    cmp -s "$dir/out-$first/$f" "$out/$f" || same=false
  done
  [ -n "$t1" ] || t1=$(awk -v a="$start" -v b="$end" 'BEGIN{print b - a}')
  awk -v k="$k" -v n="$buildings" -v r="$reps" -v tasks="$tasks" \
    -v a="$start" -v b="$end" -v t1="$t1" -v same="$same" -v load="$load" 'BEGIN {
    w = b - a
    printf "{\"bench\":\"batch\",\"ranks\":%d,\"threads\":1,\"buildings\":%d,", k, n
    printf "\"reps\":%d,\"tasks\":%d,\"wall_s\":%.2f,", r, tasks, w
    printf "\"buildings_per_hour\":%.1f,\"speedup\":%.2f,", n * 3600 / w, t1 / w
    printf "\"efficiency\":%.2f,\"same_outputs\":%s,", t1 / (k * w), same
    printf "\"load_before\":%s}\n", load
  }'
done
