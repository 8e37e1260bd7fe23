# Shared by the launchers: locate the repository and build a program's jar when it is missing
# or older than any source it is built from. Sourced, not run.

WALSHIP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The JVM options of each program, in this one place: the launchers (scripts/replica-server,
# scripts/replicator, and those scripts/install writes), the demo and the benchmarks use them.
# $REPLICA_SERVER_JAVA_OPTS and $REPLICATOR_JAVA_OPTS replace them when set.
WALSHIP_SERVER_JAVA_OPTS='-XX:+UseParallelGC -Xms256m -Xmx1g'
# The agent is a sidecar (issue 14; measured with scripts/bench/lag): serial GC (no GC threads); a
# heap that starts at 8 MB and grows only as far as the work needs (to 512 MB for large restores)
# instead of the JVM's default of 1/64 of RAM, touched in full by the young generation; and C2
# (the optimizing JIT) only for code ten times hotter than its defaults ask: the per-commit paths
# stay in C1, whose code is good enough there, while bulk loops (LZ4, ciphers, checksums) still
# reach C2 within a moment. At 1000 commits/s C2 had used ~1 CPU-s per 10 s after a 10 s warm-up;
# with these thresholds ~0.05 s, and restore and snapshot upload are no slower. Peak RSS at 100
# commits/s fell from ~185 to ~80 MB.
WALSHIP_AGENT_JAVA_OPTS='-XX:+UseSerialGC -Xms8m -Xmx512m -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000'

# walship_java_opts PROGRAM -> the options to start PROGRAM (replica-server or replicator) with.
walship_java_opts() {
  case "$1" in
    replica-server) printf '%s\n' "${REPLICA_SERVER_JAVA_OPTS:-$WALSHIP_SERVER_JAVA_OPTS}" ;;
    replicator) printf '%s\n' "${REPLICATOR_JAVA_OPTS:-$WALSHIP_AGENT_JAVA_OPTS}" ;;
    *) echo "walship_java_opts: unknown program $1" >&2; return 1 ;;
  esac
}

# walship_jar MODULE JARNAME -> prints the jar path, building it first when needed.
walship_jar() {
  local module="$1" jar="$WALSHIP_ROOT/$1/target/$2.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$WALSHIP_ROOT/pom.xml" "$WALSHIP_ROOT/shared-format/pom.xml" \
        "$WALSHIP_ROOT/shared-format/src/main" "$WALSHIP_ROOT/$module/pom.xml" \
        "$WALSHIP_ROOT/$module/src/main" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "building $module (jar missing or older than its sources)..." >&2
    local log
    log="$(mktemp)"
    if ! (cd "$WALSHIP_ROOT" && mvn -q -B -Dstyle.color=never -DskipTests -pl "$module" -am package) >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      echo "error: building $module failed (output above)" >&2
      exit 1
    fi
    rm -f "$log"
  fi
  printf '%s\n' "$jar"
}
