#!/bin/sh
# The cost scaling table of bench/README.md: how one run's cost grows with
# floors, occupants, duration and the smoke-filled area. Runs
# build/bench/bench_scaling once per case (a process each, so that each
# peak memory is its own) and prints a Markdown table.
#
#   bench/cost_scaling.sh [BUILD_DIR]        # default: build
#
# Every case is the generated tower's own scenario (`evacsim gen tower`,
# seed 1: its battery fire and its 12 hazards), run as `evacsim run` runs it:
#   floors     10, 30, 60, 120 with 1000 occupants, the scenario's own
#              duration (3600 s), ending when the outcome is settled
#   occupants  250, 1000, 4000 on 30 floors, 1800 s (--full)
#   duration   600, 1800, 3600 s on 30 floors, 1000 occupants (--full)
#   fire       peak 500, 1500, 6000 kW on 30 floors, 600 s (--full): the
#              smoke-filled area grows with it
# FLOORS, OCCUPANTS, DURATIONS and PEAKS override the lists. With JSON=FILE
# each run's JSON line is also appended to FILE.
set -eu
build=${1:-build}
bin=$build/bench/bench_scaling
[ -x "$bin" ] || { echo "cost_scaling.sh: $bin not built" >&2; exit 2; }
floors=${FLOORS:-"10 30 60 120"}
occupants=${OCCUPANTS:-"250 1000 4000"}
durations=${DURATIONS:-"600 1800 3600"}
peaks=${PEAKS:-"500 1500 6000"}

# field NAME JSON: the value of NAME in a one-line JSON object
field() {
  printf '%s\n' "$2" | sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"
}

# row WHAT ARGS...: one table row for a bench_scaling run (CPU s: the
# simulation and the writer together)
row() {
  what=$1
  shift
  j=$(nice "$bin" "$@")
  [ -z "${JSON:-}" ] || printf '%s\n' "$j" >>"$JSON"
  printf '| %s | %s | %s | %s | %s | %s ' "$what" "$(field floors "$j")" \
    "$(field occupants "$j")" "$(field peak_kw "$j")" \
    "$(field simulated_s "$j")" "$(field smoky_cells_max "$j")"
  echo "$(field smoke_cell_s "$j") $(field smoke_cell_s_wide "$j")" \
    "$(field smoke_cell_updates "$j") $(field events "$j")" \
    "$(field floor_samples "$j") $(field sim_cpu_s "$j")" \
    "$(field output_cpu_s "$j") $(field file_mb "$j")" \
    "$(field peak_rss_mb "$j")" |
    awk '{ cs = $1 > 0 ? $1 : 1; cpu = $6 + $7
      printf "| %.1f | %.0f %% | %.1f | %.1f | %.0f | %d | %.2f | %.2f | %.0f | %s | %s |\n",
        $1 / 1e6, 100 * $2 / cs, $3 / 1e6, $3 / cs, $4 / 1e3, $5, cpu, $7,
        ($3 > 0 ? 1e9 * cpu / $3 : 0), $8, $9 }'
}

echo '| varied | floors | occupants | fire kW | simulated s | most cells with a layer | smoke cell-s (M) | of it in samples over 8 192 cells | cell updates (M) | updates a cell-s | events (k) | floor samples | CPU s | of it output | ns an update | file MB | peak RSS MB |'
echo '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'
for n in $floors; do row floors --floors "$n" --occupants 1000; done
for n in $occupants; do
  row occupants --floors 30 --occupants "$n" --duration 1800 --full
done
for n in $durations; do
  row duration --floors 30 --occupants 1000 --duration "$n" --full
done
for n in $peaks; do
  row fire --floors 30 --occupants 1000 --duration 600 --full --peak-kw "$n"
done
