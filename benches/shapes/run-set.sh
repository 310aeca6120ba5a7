#!/usr/bin/env bash
# README's "Other shapes" table, reproducible: makes each instance once into DIR (the shape
# scripts of this folder and `mentor-match generate`, fixed seeds), then solves each with BIN
# (`solve --format json`, the default 30 s limit) and prints one line per instance: wall
# seconds, status, gap, objective, and needs covered per priority against the needs there are.
#
# Usage: benches/shapes/run-set.sh [BIN] [DIR] [NAME...]
#   BIN  the binary to time (default target/release/mentor-match; build it first)
#   DIR  where the instances and answers go (default /tmp/mentor-match-shapes)
#   NAME only these instances (default all; the names are the first column printed)
# `gen4000s21_locks` locks a tenth of BIN's own optimum of `gen4000s21`: another code may
# answer that school with another plan of the same objective, so the instance (and its time)
# is that code's; keep DIR's instance to compare two codes on the same one.
# Several minutes in all: the `TIME_LIMIT` shapes take their whole 30 s, and the two district
# seeds (120 s limit) ~35 s each after ~1 min to make. Not part of CI.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$(realpath "${1:-target/release/mentor-match}")"
dir="${2:-/tmp/mentor-match-shapes}"
shift $(( $# > 2 ? 2 : $# ))
wanted=("$@")
mkdir -p "$dir"
cd "$dir"

# name | how it is made (run in DIR; $S is this folder, $B the binary, $OUT the file to write)
instances=(
  "tied3000k3|python3 \$S/tied.py 3000 700 3 > \$OUT"
  "tiedmix3000s11|python3 \$S/tiedmix.py 3000 800 11 3 > \$OUT"
  "dense3000s12|python3 \$S/dense.py 3000 800 12 > \$OUT"
  "dense10000s5|python3 \$S/dense.py 10000 2700 5 > \$OUT"
  "affinity3000s13|python3 \$S/affinity.py 3000 800 13 0.3 1-5 multi > \$OUT"
  "gen4000s21|\$B generate --students 4000 --mentors 1000 --seed 21 --output \$OUT"
  "gen4000s21_m2|python3 \$S/variant.py gen4000s21.json \$OUT maxMentorsPerStudent=2"
  "gen4000s21_m1|python3 \$S/variant.py gen4000s21.json \$OUT maxMentorsPerStudent=1"
  "gen4000s21_k1|python3 \$S/manyneeds.py gen4000s21.json \$OUT 1 5"
  "gen4000s21_cap1|python3 \$S/stress.py gen4000s21.json cap1 \$OUT"
  "gen4000s21_urgent|python3 \$S/stress.py gen4000s21.json urgent \$OUT"
  "gen4000s21_few|python3 \$S/stress.py gen4000s21.json few \$OUT"
  "gen4000s21_nofirst|python3 \$S/stress.py gen4000s21.json nofirst \$OUT"
  "gen4000s21_locks|\$B solve gen4000s21.json --format json > gen4000s21.plan.json && python3 \$S/stress.py gen4000s21.json locks:gen4000s21.plan.json \$OUT"
  "gen10000s22|\$B generate --students 10000 --mentors 2700 --seed 22 --output \$OUT"
  "gen4000s1_k2|\$B generate --students 4000 --mentors 1000 --seed 1 --output gen4000s1.json && python3 \$S/manyneeds.py gen4000s1.json \$OUT 2 1"
  "homeroom4000s2|python3 \$S/homeroom.py 4000 2 > \$OUT"
  "homeroom10000s4|python3 \$S/homeroom.py 10000 4 > \$OUT"
  "gen900s1_k6|\$B generate --students 900 --mentors 240 --seed 1 --output gen900s1.json && python3 \$S/manyneeds.py gen900s1.json \$OUT 6 1"
  "gen900s1_k9|\$B generate --students 900 --mentors 240 --seed 1 --output gen900s1.json && python3 \$S/manyneeds.py gen900s1.json \$OUT 9 2"
  "gen8000s55_k1|\$B generate --students 8000 --mentors 2000 --seed 55 --output gen8000s55.json && python3 \$S/manyneeds.py gen8000s55.json \$OUT 1 55"
  "gen12000s59_k1|\$B generate --students 12000 --mentors 3000 --seed 59 --output gen12000s59.json && python3 \$S/manyneeds.py gen12000s59.json \$OUT 1 59"
  # Mid-year rematches of `gen4000s21` (its answer as the pairs that stand; `rematch_*` names
  # are solved with `rematch`): lock mode with 15 % of the pairs not working, and with a
  # twentieth of the capacities cut by one instead; penalty mode (the default) with 10 % not
  # working and a twentieth cut, unbounded and with `maxChanges` 10; and the same penalty
  # rematch of `gen10000s22`.
  "rematch_lock4000|eval \"\$G4\" && \$B solve gen4000s21.json --format json > gen4000s21.plan.json && python3 \$S/rematch.py gen4000s21.json gen4000s21.plan.json \$OUT 2 0.15 lock"
  "rematch_lockcut4000|eval \"\$G4\" && \$B solve gen4000s21.json --format json > gen4000s21.plan.json && python3 \$S/rematch.py gen4000s21.json gen4000s21.plan.json \$OUT 2 0 lock - 0.05"
  "rematch_penalty4000|eval \"\$G4\" && \$B solve gen4000s21.json --format json > gen4000s21.plan.json && python3 \$S/rematch.py gen4000s21.json gen4000s21.plan.json \$OUT 1 0.1 penalty - 0.05"
  "rematch_max10_4000|eval \"\$G4\" && \$B solve gen4000s21.json --format json > gen4000s21.plan.json && python3 \$S/rematch.py gen4000s21.json gen4000s21.plan.json \$OUT 1 0.1 penalty 10 0.05"
  "rematch_penalty10000|eval \"\$G10\" && \$B solve gen10000s22.json --format json > gen10000s22.plan.json && python3 \$S/rematch.py gen10000s22.json gen10000s22.plan.json \$OUT 3 0.1 penalty - 0.05"
  # The district's generator on two seeds that take twice seed 1's time, with the district
  # row's 120 s limit (README, "Other shapes").
  "gen20000s62|\$B generate --students 20000 --mentors 5400 --seed 62 --output gen20000s62.base.json && python3 \$S/variant.py gen20000s62.base.json \$OUT timeLimitSeconds=120"
  "gen20000s64|\$B generate --students 20000 --mentors 5400 --seed 64 --output gen20000s64.base.json && python3 \$S/variant.py gen20000s64.base.json \$OUT timeLimitSeconds=120"
)

for entry in "${instances[@]}"; do
  name="${entry%%|*}"
  make="${entry#*|}"
  if (( ${#wanted[@]} )) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then
    continue
  fi
  if [[ ! -s "$name.json" ]]; then
    # G4 / G10: the generated schools the rematches start from, made here if not yet.
    G4="[ -s gen4000s21.json ] || $bin generate --students 4000 --mentors 1000 --seed 21 --output gen4000s21.json" \
      G10="[ -s gen10000s22.json ] || $bin generate --students 10000 --mentors 2700 --seed 22 --output gen10000s22.json" \
      S="$here" B="$bin" OUT="$name.json.tmp" bash -c "$make" > /dev/null
    mv "$name.json.tmp" "$name.json"
  fi
  start=$(date +%s.%N)
  command=solve
  [[ $name == rematch_* ]] && command=rematch
  "$bin" $command "$name.json" --format json > "$name.out" 2> "$name.err" || true
  end=$(date +%s.%N)
  python3 - "$name" "$start" "$end" <<'PY'
import json, sys
name, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
try:
    answer = json.load(open(f"{name}.out"))
    s = answer.get("result", answer)["solver"]
except (ValueError, KeyError):
    print(f"{name:16s} {end - start:7.2f} s  no answer (see {name}.err)")
    sys.exit(0)
covered = [c.get("covered", 0) for c in s["coverage"]]
needs = [c.get("needs", 0) for c in s["coverage"]]
status = s["status"].removeprefix("SOLVE_STATUS_")
print(f"{name:16s} {end - start:7.2f} s  {status:10s} gap {s.get('gap', 0):.2e}  "
      f"objective {s['objective']:.4f}  covered {covered} of {needs}")
PY
done
