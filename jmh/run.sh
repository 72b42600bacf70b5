#!/usr/bin/env bash
# Junction benchmark comparison, end to end, from a fresh checkout (needs only JDK 17+ and Maven):
#
#   bash jmh/run.sh                 # short default: ~5 min on 2 cores, 1M links, key operations
#   bash jmh/run.sh --help          # all options (sizes, operations, implementations, --full, --alloc, ...)
#   bash jmh/run.sh --no-build ...  # reuse the jars already built
#
# Steps: install the library into the local Maven repository, build jmh/target/benchmarks.jar (running the
# sanity test is left to `mvn -f jmh/pom.xml verify`), then run dev.junction.jmh.BenchMain, which measures memory,
# drives JMH and writes jmh/results/{results.md,jmh-results.json,chart.svg,memory.tsv,logs/}.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD=1
if [[ "${1:-}" == "--no-build" ]]; then
  BUILD=0
  shift
fi

if [[ $BUILD == 1 ]]; then
  echo "== [1/3] Installing the Junction library into the local Maven repository"
  # maven.test.skip also skips compiling the library's tests: only its jar is needed here.
  mvn -q -f pom.xml install -Dmaven.test.skip=true
  echo "== [2/3] Building jmh/target/benchmarks.jar"
  mvn -q -f jmh/pom.xml package -DskipTests
fi

echo "== [3/3] Running benchmarks (results in jmh/results/)"
mkdir -p jmh/results
exec java -jar jmh/target/benchmarks.jar --out jmh/results "$@"
