#!/bin/sh
# Prints the path of the Python that `make` builds .venv with, or says what to install and exits 1.
# Tried in order: $BASE_PYTHON; uv (finds, or fetches, the version .python-version names); pyenv's
# .python-version interpreter; python3.13, python3.12, then python3 on the PATH when it is 3.12 or newer.
# POSIX sh and no GNU-only tools, so it runs the same on Linux and macOS.
cd "$(dirname "$0")/.." || exit 1
WANT=$(tr -d ' \t\r\n' < .python-version 2>/dev/null)
WANT=${WANT:-3.13}
WORKS="Python 3.12 or newer (.python-version names $WANT, 3.12 works too)"
SEEN=""

say() { printf '%s\n' "$*" >&2; }

# Succeeds, with FOUND set to the interpreter's real path, when $1 runs and is 3.12 or newer; notes any
# older one for the message.
probe() {
  out=$("$1" -c 'import sys; print("%d.%d.%d %s" % (sys.version_info[:3] + (sys.executable,)))' 2>/dev/null) || return 1
  version=${out%% *}
  FOUND=${out#* }
  [ -n "$FOUND" ] || FOUND=$1
  case $version in
    3.1[2-9].* | 3.[2-9][0-9].* | [4-9].*) return 0 ;;
  esac
  SEEN="$SEEN
  $1 is Python $version ($FOUND)"
  return 1
}

# Debian and Ubuntu ship venv's pip bootstrap (ensurepip) as a separate package.
use() {
  if ! "$1" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    v=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    say "Python $v at $1 cannot create a virtual environment: its venv/ensurepip module is missing."
    say "On Debian/Ubuntu install it with:  sudo apt-get install python$v-venv"
    say "or point make at another Python:   make run BASE_PYTHON=/path/to/python3"
    exit 1
  fi
  printf '%s\n' "$1"
  exit 0
}

if [ -n "${BASE_PYTHON:-}" ]; then
  probe "$BASE_PYTHON" && use "$FOUND"
  say "BASE_PYTHON=$BASE_PYTHON is not usable: Coderr needs $WORKS.${SEEN}"
  exit 1
fi

if command -v uv >/dev/null 2>&1; then
  uv_python=$(uv python find "$WANT" 2>/dev/null) || {
    say "uv: fetching Python $WANT (uv python install $WANT)"
    uv python install "$WANT" >&2 && uv_python=$(uv python find "$WANT")
  } && probe "$uv_python" && use "$FOUND"
  say "uv could not provide Python $WANT; trying the interpreters on the PATH."
fi

if command -v pyenv >/dev/null 2>&1 && prefix=$(pyenv prefix 2>/dev/null); then
  probe "$prefix/bin/python" && use "$FOUND"
fi

for name in python3.13 python3.12 python3; do
  command -v "$name" >/dev/null 2>&1 || continue
  probe "$name" && use "$FOUND"
done

say "No usable Python found: Coderr needs $WORKS.${SEEN:+
Found only:$SEEN}"
say "Get one, then run make again:
  - uv, which fetches Python itself: https://docs.astral.sh/uv/getting-started/installation/ (or: pipx install uv, brew install uv)
  - pyenv: pyenv install $WANT
  - Ubuntu 24.04 / Debian 13: sudo apt-get install python3 python3-venv (their python3 is 3.12 / 3.13)
  - macOS: brew install python@$WANT
  - or name one you have: make run BASE_PYTHON=/path/to/python3.12"
exit 1
