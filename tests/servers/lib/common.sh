# shellcheck shell=bash
# Helpers shared by the test-server scripts.

# Prints a python3 that can import aiosmtpd. Debian's python3-aiosmtpd is
# installed for /usr/bin/python3; a python3 earlier in PATH (pyenv, venv)
# usually cannot see it.
find_python() {
  local c
  for c in "${TESTENV_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$c" ] || continue
    if "$c" -c 'import aiosmtpd' >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

# children_of PID: pids whose parent is PID (from /proc; no procps needed)
children_of() {
  local want="$1" f stat rest
  for f in /proc/[0-9]*/stat; do
    read -r stat 2>/dev/null < "$f" || continue
    rest="${stat##*) }"            # fields after "pid (comm) "
    set -- $rest                    # state ppid ...
    if [ "${2:-}" = "$want" ]; then
      f="${f#/proc/}"; echo "${f%/stat}"
    fi
  done
}

# running PID...: true when one of the PIDs is still running. A zombie counts
# as gone: an orphaned server is reaped by init, which may take a while.
running() {
  local p stat rest
  for p in "$@"; do
    read -r stat 2>/dev/null < "/proc/$p/stat" || continue
    rest="${stat##*) }"
    case "$rest" in Z*|X*) continue ;; esac
    return 0
  done
  return 1
}
