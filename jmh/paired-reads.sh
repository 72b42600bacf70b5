#!/usr/bin/env bash
# Paired measurement of the thread-safe read path against the raw index, for a noisy machine:
#
#   bash jmh/paired-reads.sh [pairs] [ops]      # default: 6 pairs, contains degreeOfLeft forEachRight forEachLeft
#
# Each pair is two single-fork JMH runs of ConcurrentReadBench back to back, raw then shared (the order alternates
# between pairs), so slow drifts of the machine hit both sides of a pair alike. Prints each pair's ratio
# (shared time / raw time) and, per operation, the median ratio and the range. Needs jmh/target/benchmarks.jar
# (bash jmh/run.sh builds it). About 15 s per single run, so the default takes 10-12 minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/jmh/target/benchmarks.jar"
[[ -f "$JAR" ]] || { echo "no $JAR: run bash jmh/run.sh first (it builds the jar)" >&2; exit 1; }
PAIRS="${1:-6}"
shift || true
OPS=("$@")
[[ ${#OPS[@]} -gt 0 ]] || OPS=(contains degreeOfLeft forEachRight forEachLeft)

run() { # op impl -> ns/op of one fork
  java -cp "$JAR" org.openjdk.jmh.Main "ConcurrentReadBench.$1\$" -p impl="$2" -f 1 -wi 3 -w 1 -i 4 -r 1 \
      -bm avgt -tu ns 2>/dev/null | awk '$1 ~ /^ConcurrentReadBench/ {print $(NF-3)}'
}

for op in "${OPS[@]}"; do
  ratios=()
  for ((p = 1; p <= PAIRS; p++)); do
    if ((p % 2)); then raw=$(run "$op" raw); shared=$(run "$op" shared)
    else shared=$(run "$op" shared); raw=$(run "$op" raw); fi
    r=$(awk -v s="$shared" -v w="$raw" 'BEGIN {printf "%.3f", s / w}')
    echo "$op pair $p: raw $raw ns, shared $shared ns, shared/raw $r"
    ratios+=("$r")
  done
  printf '%s\n' "${ratios[@]}" | sort -n | awk -v op="$op" '
    {v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
      printf "%s: median shared/raw %.2fx over %d pairs (range %.2f-%.2f)\n", op, m, NR, v[1], v[NR]}'
done
