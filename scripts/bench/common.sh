# Shared by the benchmarks: tools, a work directory that is always removed, processes that are
# always stopped, and timing. Sourced, not run.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

LITESTREAM="${WALSHIP_LITESTREAM:-$WALSHIP_ROOT/.tools/node_modules/@flydotio/litestream-linux-x64/litestream}"
[ -x "$LITESTREAM" ] || { echo "error: $LITESTREAM missing; run scripts/install-test-tools" >&2; exit 1; }

BENCH_PIDS=()
bench_cleanup() {
  for p in "${BENCH_PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  if [ -n "${BENCH_WORK:-}" ]; then rm -rf "$BENCH_WORK"; fi
}
trap bench_cleanup EXIT INT TERM

# bench_workdir NAME -> sets BENCH_WORK to a fresh directory (on /tmp unless BENCH_TMP is set)
bench_workdir() {
  BENCH_WORK="$(mktemp -d "${BENCH_TMP:-/tmp}/walship-bench-$1.XXXXXX")"
}

# seconds CMD... -> runs CMD, prints elapsed seconds (3 decimals) on stdout; CMD's output is discarded
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  local log; log="$(mktemp)"
  "$@" >"$log" 2>&1 || { echo "error: benchmark step failed: $*" >&2; tail -5 "$log" >&2; rm -f "$log"; return 1; }
  rm -f "$log"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# free_port -> prints a free loopback TCP port
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# median N... -> the median of the numbers
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END { if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'
}

# machine -> one line describing this machine, for the tables
machine() {
  echo "$(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
}

# bench_compile CLASSPATH SOURCE... -> compiles a benchmark's Java sources into $BENCH_WORK/classes
bench_compile() {
  local cp="$1"
  shift
  javac -nowarn -d "$BENCH_WORK/classes" -cp "$cp" "$@"
}
