#!/usr/bin/env bash
# Junction benchmark comparison, end to end, from a fresh checkout (needs only JDK 17+ and Maven):
#
#   bash jmh/run.sh                 # short default: ~6 min on 2 cores, 1M links, key operations, engine rows
#   bash jmh/run.sh --help          # all options (sizes, operations, implementations, --full, --alloc, ...)
#   bash jmh/run.sh --no-build ...  # reuse the jars already built
#   bash jmh/run.sh --concurrency   # ConcurrentReadBench instead: thread-safe reads (rel.ints()) vs the raw index,
#                                   # 1 and 2 threads (~4 min); --concurrency --help for its options
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
CONCURRENCY=0
ARGS=()
for a in "$@"; do
  case "$a" in
    --concurrency) CONCURRENCY=1 ;;
    --no-build) BUILD=0 ;;
    *) ARGS+=("$a") ;;
  esac
done
set -- ${ARGS[@]+"${ARGS[@]}"}

if [[ $BUILD == 1 ]]; then
  echo "== [1/3] Installing the Junction library into the local Maven repository"
  # maven.test.skip also skips compiling the library's tests: only its jar is needed here.
  mvn -q -f pom.xml install -Dmaven.test.skip=true
  echo "== [2/3] Building jmh/target/benchmarks.jar"
  # clean: the benchmarks compile against the installed library, and an incremental build would keep classes
  # compiled against an older one (a NoSuchMethodError in the forks)
  mvn -q -f jmh/pom.xml clean package -DskipTests
fi

echo "== [3/3] Running benchmarks (results in jmh/results/)"
mkdir -p jmh/results
if [[ $CONCURRENCY == 1 ]]; then
  exec java -cp jmh/target/benchmarks.jar dev.junction.jmh.ConcurrencyMain --out jmh/results "$@"
fi
exec java -jar jmh/target/benchmarks.jar --out jmh/results "$@"
