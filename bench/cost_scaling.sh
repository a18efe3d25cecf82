#!/bin/sh
# The cost scaling table of bench/README.md: how one run's cost grows with
# floors, occupants, duration and the smoke-filled area. Runs
# build/bench/bench_scaling once per case (a process each, so that each
# peak memory is its own) and prints a Markdown table.
#
#   bench/cost_scaling.sh [BUILD_DIR]        # default: build
#
# Every case is the generated tower's own scenario (`evacsim gen tower`,
# seed 1: its battery fire and its 12 hazards) run to the end of DURATION
# (default 600 s, shorter than the scenario's 3600 s to keep the machine
# free) with --full, so that every case simulates the same time:
#   floors     10, 30, 60, 120 with 1000 occupants
#   occupants  250, 500, 1000, 2000 on 30 floors
#   duration   300, 600, 1200, 1800 s on 30 floors, 1000 occupants
#   fire       peak 500, 1500, 3000, 6000 kW on 30 floors (the smoke-filled
#              area grows with it)
# FLOORS, OCCUPANTS, DURATIONS, PEAKS and DURATION override the lists.
set -eu
build=${1:-build}
bin=$build/bench/bench_scaling
[ -x "$bin" ] || { echo "cost_scaling.sh: $bin not built" >&2; exit 2; }
dur=${DURATION:-600}
floors=${FLOORS:-"10 30 60 120"}
occupants=${OCCUPANTS:-"250 500 1000 2000"}
durations=${DURATIONS:-"300 600 1200 1800"}
peaks=${PEAKS:-"500 1500 3000 6000"}

# field NAME JSON: the value of NAME in a one-line JSON object
field() {
  printf '%s\n' "$2" | sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"
}

# row WHAT ARGS...: one table row for a bench_scaling run
row() {
  what=$1
  shift
  j=$("$bin" --full "$@")
  upd=$(field smoke_cell_updates "$j")
  printf '| %s | %s | %s | %s | %s | %s | %.2f | %s | %s | %s | %s | %s |\n' \
    "$what" "$(field floors "$j")" "$(field occupants "$j")" \
    "$(field simulated_s "$j")" "$(field peak_kw "$j")" \
    "$(field smoky_floors "$j")" "$(echo "$upd" | awk '{print $1 / 1e6}')" \
    "$(field cpu_s "$j")" "$(field write_s "$j")" "$(field write_cpu_s "$j")" \
    "$(field file_mb "$j")" "$(field peak_rss_mb "$j")"
}

echo '| varied | floors | occupants | simulated s | fire kW | smoky floors | cell updates (M) | CPU s | write s | write CPU s | file MB | peak RSS MB |'
echo '|---|---|---|---|---|---|---|---|---|---|---|---|'
for n in $floors; do row floors --floors "$n" --occupants 1000 --duration "$dur"; done
for n in $occupants; do row occupants --floors 30 --occupants "$n" --duration "$dur"; done
for n in $durations; do row duration --floors 30 --occupants 1000 --duration "$n"; done
for n in $peaks; do row fire --floors 30 --occupants 1000 --duration "$dur" --peak-kw "$n"; done
