#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring: a real Secret Service that
# tests can use without touching (or needing) the user's own keyring.
set -euo pipefail
if [ -n "${LATTICE_TEST_KEYRING:-}" ]; then exec "$@"; fi
for bin in dbus-run-session gnome-keyring-daemon; do
  command -v "$bin" >/dev/null || { echo "with-keyring: $bin is missing (apt-get install dbus gnome-keyring)" >&2; exit 1; }
done
dir=$(mktemp -d -t lattice-keyring.XXXXXX)
chmod 700 "$dir"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/data" "$dir/run"
chmod 700 "$dir/run"
dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$0/data" XDG_RUNTIME_DIR="$0/run"
  eval "$(printf %s lattice-test-keyring | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
  export LATTICE_TEST_KEYRING=1
  exec "$@"
' "$dir" "$@"
