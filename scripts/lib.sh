# Shared by the launchers: locate the repository and build a program's jar when it is missing
# or older than any source it is built from. Sourced, not run.

WALSHIP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The JVM options of each program, in this one place: the launchers (scripts/replica-server,
# scripts/replicator, and those scripts/install writes), the demo and the benchmarks use them.
# $REPLICA_SERVER_JAVA_OPTS and $REPLICATOR_JAVA_OPTS replace them when set.
WALSHIP_SERVER_JAVA_OPTS='-XX:+UseParallelGC -Xms256m -Xmx1g'
# The agent is a sidecar (issue 14; measured with scripts/bench/lag): serial GC (no GC threads); a
# heap that starts at 8 MB and grows only as far as the work needs (to 512 MB for large restores)
# instead of the JVM's default of 1/64 of RAM. Peak RSS at 100 commits/s fell from ~185 to ~80 MB.
WALSHIP_AGENT_JAVA_OPTS='-XX:+UseSerialGC -Xms8m -Xmx512m'
# Added for `replicate` (long-running): C2 (the optimizing JIT) only for code ten times hotter than
# its defaults ask: the per-commit paths stay in C1, whose code is good enough there, while bulk
# loops (LZ4, ciphers, checksums) still reach C2 within a moment. At 1000 commits/s C2 had used ~1
# CPU-s per 10 s after a 10 s warm-up; with these thresholds ~0.05 s.
WALSHIP_AGENT_REPLICATE_JAVA_OPTS='-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000'
# Added instead for the agent's short-lived commands (restore and the inspection commands): compile
# only what is hot four times over. A restore is over in seconds, before most of what the default
# thresholds compile would pay back: a 300 MB restore measured 15-35% fewer CPU-seconds (C1 and C2
# compile less), file:// about 40% faster. And a 64 MB young generation from the start (heap 96 MB):
# from 8 MB, a 300 MB restore over SFTP (~750 MB/s of short-lived SSH buffers) paused for ~50 young
# and 5-7 full collections, 350-450 ms at safepoints in all; with it, ~11 young, none full, ~90 ms.
# The pages are touched only as far as a command allocates.
WALSHIP_AGENT_SHORT_JAVA_OPTS='-XX:CompileThresholdScaling=4 -Xms96m -Xmn64m'

# walship_java_opts PROGRAM [JAR [COMMAND]] -> the options to start PROGRAM (replica-server or
# replicator) with; given its JAR, also the class-data-sharing options of the jar's archive when
# it has one; for the agent, WALSHIP_AGENT_SHORT_JAVA_OPTS when COMMAND is given and is not
# `replicate`, WALSHIP_AGENT_REPLICATE_JAVA_OPTS otherwise (neither when $REPLICATOR_JAVA_OPTS is set).
walship_java_opts() {
  local opts
  case "$1" in
    replica-server) opts="${REPLICA_SERVER_JAVA_OPTS:-$WALSHIP_SERVER_JAVA_OPTS}" ;;
    replicator) opts="${REPLICATOR_JAVA_OPTS:-$WALSHIP_AGENT_JAVA_OPTS}"
      if [ -z "${REPLICATOR_JAVA_OPTS:-}" ]; then
        case "${3:-}" in
          ''|replicate) opts="$opts $WALSHIP_AGENT_REPLICATE_JAVA_OPTS" ;;
          *) opts="$opts $WALSHIP_AGENT_SHORT_JAVA_OPTS" ;;
        esac
      fi ;;
    *) echo "walship_java_opts: unknown program $1" >&2; return 1 ;;
  esac
  if [ -n "${2:-}" ] && [ -f "$(walship_cds_archive_of "$2")" ]; then
    opts="$opts $(walship_cds_opts "$(walship_cds_archive_of "$2")")"
  fi
  printf '%s\n' "$opts"
}

# Class-data sharing (start-up): the agent's classes as the JVM has already loaded and verified
# them, in an archive beside the jar (replicator.jsa), made by a training run that restores a small
# replica over SFTP and from file:// (dev.walship.agent.startup.CdsTraining). It saves about a
# second of CPU per `replicator` command. The JVM silently ignores an archive that does not match
# its jar (another jar, path or mtime), so a stale one costs nothing but that second.
walship_cds_archive_of() { printf '%s\n' "${1%.jar}.jsa"; }

# walship_cds_opts ARCHIVE -> the JVM options that use ARCHIVE (quietly when it does not match)
walship_cds_opts() { printf -- '-XX:SharedArchiveFile=%s -Xlog:cds=off -Xlog:cds+dynamic=off\n' "$1"; }

# walship_cds_train JAR -> (re)makes JAR's archive by the training run; on failure, says so and
# leaves none (the programs run without it, only slower to start).
walship_cds_train() {
  local jar="$1" jsa tmp log
  jsa="$(walship_cds_archive_of "$jar")" tmp="$(walship_cds_archive_of "$jar").tmp$$"
  log="$(mktemp)"
  rm -f "$jsa"
  # shellcheck disable=SC2046 # the options are words
  if java $(walship_java_opts replicator) -XX:ArchiveClassesAtExit="$tmp" -Xlog:cds=off -Xlog:cds+dynamic=off \
      -cp "$jar" dev.walship.agent.startup.CdsTraining >"$log" 2>&1 && [ -s "$tmp" ]; then
    mv -f "$tmp" "$jsa"
  else
    echo "warning: no class-data-sharing archive for $jar (the training run failed; start-up is slower):" >&2
    tail -5 "$log" >&2
    rm -f "$tmp"
  fi
  rm -f "$log"
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
  if [ "$1" = replicator-agent ] && [ ! "$(walship_cds_archive_of "$jar")" -nt "$jar" ]; then
    echo "training the class-data-sharing archive of $jar ..." >&2
    walship_cds_train "$jar"
  fi
  printf '%s\n' "$jar"
}
