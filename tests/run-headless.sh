#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a command (usually the whole `meson test`) headless: a private session bus, an X server,
# a throw-away XDG tree and an unlocked gnome-keyring. Never touches the caller's own bus,
# keyring, display or home directory.
#
#   tests/run-headless.sh meson test -C _build --print-errorlogs
#
# Outer mode re-execs this script inside dbus-run-session and xvfb-run; inner mode (marked by
# SY_HEADLESS_INNER) builds the environment, runs the command, cleans up, returns its status.

set -u

self=$(readlink -f "$0")

if [ "${SY_HEADLESS_INNER:-}" != 1 ]; then
  if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG]..." >&2
    exit 2
  fi
  for tool in dbus-run-session xvfb-run gnome-keyring-daemon secret-tool gdbus; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "run-headless: $tool is missing (apt-get install dbus xvfb xauth gnome-keyring" \
           "libsecret-tools libglib2.0-bin)" >&2
      exit 2
    fi
  done
  export SY_HEADLESS_INNER=1
  # Nothing may reach the caller's desktop session.
  unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  # -noreset: Xvfb otherwise resets whenever its last client leaves, and a test process that
  # connects during the reset fails with "cannot open display".
  exec dbus-run-session -- \
    xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp -noreset" "$self" "$@"
fi

# Inner mode: this bus and this display are ours alone.
unset SY_HEADLESS_INNER

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sy-headless.XXXXXX") || exit 2
keyring_pid=

# shellcheck disable=SC2317 # reached through the EXIT trap
cleanup ()
{
  if [ -n "$keyring_pid" ]; then
    kill "$keyring_pid" 2>/dev/null
    wait "$keyring_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
mkdir -m 0700 "$XDG_RUNTIME_DIR"

export GSETTINGS_BACKEND=memory GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11
# Tests read this: under this wrapper a missing Secret Service is a failure, not a skip.
export SY_HEADLESS=1

# --unlock reads the login password on stdin and creates the "login" collection, unlocked, as
# the default one. Without it the first libsecret call opens an unlock prompt, which hangs
# under Xvfb. It must run before anything asks for org.freedesktop.secrets, or D-Bus activation
# starts a locked daemon first. --foreground keeps it our child: $! is its real pid (the pid
# the bus reports for it can belong to another pid namespace).
# Not with the tests' G_DEBUG: gnome-keyring 42 warns on concurrent item creation, and
# fatal-warnings would crash it mid-run.
printf '%s' sy-test-password \
  | env -u G_DEBUG gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$tmp/keyring.env" &
keyring_pid=$!

bus_has_secret_service ()
{
  [ "$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
         --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null)" \
    = "(true,)" ]
}

for _ in $(seq 1 200); do
  bus_has_secret_service && break
  kill -0 "$keyring_pid" 2>/dev/null || break
  sleep 0.05
done
if ! bus_has_secret_service; then
  echo "run-headless: gnome-keyring-daemon did not take org.freedesktop.secrets" >&2
  exit 2
fi

# What it prints (KEY=value lines) belongs in the environment. With XDG_RUNTIME_DIR set it
# prints nothing; without, GNOME_KEYRING_CONTROL=~/.cache/keyring-XXXXXX.
while IFS= read -r line; do
  case $line in
    [A-Z_]*=*) export "${line?}" ;;
  esac
done <"$tmp/keyring.env"

# Prove libsecret finds it, unlocked, before any test depends on it.
probe="probe-$$"
if ! printf '%s' "$probe" \
     | timeout 20 secret-tool store --label="Switchyard headless probe" sy-headless "$probe" \
   || [ "$(timeout 20 secret-tool lookup sy-headless "$probe")" != "$probe" ] \
   || ! timeout 20 secret-tool clear sy-headless "$probe"; then
  echo "run-headless: gnome-keyring runs but secret-tool cannot store/lookup/clear" >&2
  exit 2
fi

echo "run-headless: DISPLAY=$DISPLAY, private session bus, gnome-keyring pid $keyring_pid" \
     "unlocked, XDG dirs in $tmp" >&2

# Not exec: the EXIT trap still has a daemon to stop and a tree to remove.
"$@"
status=$?
exit "$status"
