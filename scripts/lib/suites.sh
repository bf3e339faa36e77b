# Sourced by scripts/test.sh, scripts/cuda/test-backends.sh and scripts/cuda/gpu-check.sh: runs suite steps
# with their output in a log, a progress line every 10 seconds, the time each took, and one row per step in
# $RESULTS/suites.tsv that scripts/tally.py turns into the totals (structured results only, see there).

RESULTS=${RESULTS:-$PWD/build/test-results}
TALLY_PY=$(command -v /usr/bin/python3 || command -v python3)

suite_init() {
  rm -rf "$RESULTS"
  mkdir -p "$RESULTS"
  : > "$RESULTS/suites.tsv"
}

# How far a running step is, read from its log: MSTest (console logger, normal verbosity) and pytest -v
# print one line per finished test.
_progress() {
  local n
  n=$(grep -cE '^\s+(Passed|Failed|Skipped) |(PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)( |$)' "$1" 2>/dev/null)
  [ "${n:-0}" -gt 0 ] && echo ", $n tests done"
}

# run_step LABEL LOG CMD...: runs CMD with output to LOG, says every 10 s that it is still going; sets STEP_CODE.
run_step() {
  local label=$1 log=$2 start=$SECONDS next=10 pid
  shift 2
  echo "-- $label"
  "$@" > "$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ $((SECONDS - start)) -ge $next ]; then
      echo "   ... $label: $((SECONDS - start)) s$(_progress "$log")"
      next=$((next + 10))
    fi
  done
  wait "$pid"
  STEP_CODE=$?
  echo "   $label: exit $STEP_CODE after $((SECONDS - start)) s"
}

record() {   # label kind file code
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RESULTS/suites.tsv"
}

# check LABEL CMD...: a step that passes when it exits 0; its log is shown when it fails.
check() {
  local label=$1 log
  shift
  log="$RESULTS/$(echo "$label" | tr -c 'A-Za-z0-9._-' '_').log"
  run_step "$label" "$log" "$@"
  [ "$STEP_CODE" = 0 ] || tail -40 "$log"
  record "$label" check - "$STEP_CODE"
  return "$STEP_CODE"
}

# mstest LABEL PROJECT [ENV=VALUE ...] [-- extra dotnet test args]: one run of an MSTest project to a TRX file.
mstest() {
  local label=$1 project=$2 name log trx
  shift 2
  local envs=() extra=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ "${1:-}" = -- ] && { shift; extra=("$@"); }
  name=$(echo "$label" | tr -c 'A-Za-z0-9._-' '_')
  log="$RESULTS/$name.log"
  trx="$RESULTS/$name.trx"
  run_step "MSTest $label" "$log" env "${envs[@]}" dotnet test "$project" -c Release --no-build -nologo \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=$trx" --results-directory "$RESULTS/$name" "${extra[@]}"
  [ "$STEP_CODE" = 0 ] || grep -E '^\s+Failed |Error Message|Test Run Aborted|crash|Out of memory' "$log" | head -30
  record "MSTest $label" trx "$trx" "$STEP_CODE"
}

# pytest_suite LABEL PYTHON ARGS...: pytest with a JUnit XML result.
pytest_suite() {
  local label=$1 py=$2 name
  shift 2
  name=$(echo "$label" | tr -c 'A-Za-z0-9._-' '_')
  run_step "pytest $label" "$RESULTS/$name.log" "$py" -m pytest -v -p no:cacheprovider --junitxml="$RESULTS/$name.xml" "$@"
  [ "$STEP_CODE" = 0 ] || grep -E '^(FAILED|ERROR)|^E ' "$RESULTS/$name.log" | head -30
  # exit 5 = nothing collected: the JUnit file (0 tests) says so; it is not an abort
  [ "$STEP_CODE" = 5 ] && STEP_CODE=0
  record "pytest $label" junit "$RESULTS/$name.xml" "$STEP_CODE"
}

# junit_step LABEL FILE CMD...: a runner that writes JUnit XML to FILE (counted test by test).
junit_step() {
  local label=$1 file=$2 name
  shift 2
  name=$(echo "$label" | tr -c 'A-Za-z0-9._-' '_')
  run_step "$label" "$RESULTS/$name.log" "$@"
  [ "$STEP_CODE" = 0 ] || tail -40 "$RESULTS/$name.log"
  record "$label" junit "$file" "$STEP_CODE"
}

tally() {
  "$TALLY_PY" "$(dirname "${BASH_SOURCE[0]}")/../tally.py" "$RESULTS"
}
