# Shared by the launchers: locate the repository and build a program's jar when it is missing
# or older than any source it is built from. Sourced, not run.

WALSHIP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

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
