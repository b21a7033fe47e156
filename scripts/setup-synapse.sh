#!/usr/bin/env bash
# Installs a pinned Synapse into a cached virtualenv for the real-homeserver
# test harness (test/harness/synapse.ts; the venv and its marker file are found
# by test/harness/synapse-paths.ts). Safe to re-run: once the marker file for
# the pinned version exists, it exits in well under a second.
#
# Environment:
#   LATTICE_TEST_CACHE  cache root (default: $HOME/.cache/lattice-test)
#   PYTHON              interpreter to build the venv from (default: python3, needs >= 3.10)
set -euo pipefail

# 1.163.x ships a cp310-abi3 manylinux wheel, so no Rust toolchain is needed
# on Python 3.10+. Bump deliberately: the harness config targets this version.
SYNAPSE_VERSION="1.163.2"

CACHE_DIR="${LATTICE_TEST_CACHE:-$HOME/.cache/lattice-test}"
VENV_DIR="$CACHE_DIR/synapse-venv"
# The marker is written last, so its presence means the install completed;
# its content ties it to the pinned version so a bump triggers a reinstall.
MARKER="$VENV_DIR/.lattice-synapse-installed"
PYTHON="${PYTHON:-python3}"

# Whether the venv has what Synapse needs to preview URLs (the link-preview tests turn previews on).
URL_PREVIEW_CHECK='from synapse.util.check_dependencies import check_requirements; check_requirements("url-preview")'

log() { printf '[setup-synapse] %s\n' "$*"; }

if [[ -f "$MARKER" && -x "$VENV_DIR/bin/python" ]] \
  && [[ "$(cat "$MARKER")" == "matrix-synapse==$SYNAPSE_VERSION" ]]; then
  # Synapse's url-preview extra (lxml, beautifulsoup4) came later than the marker: a venv from before gets it.
  if ! "$VENV_DIR/bin/python" -c "$URL_PREVIEW_CHECK" >/dev/null 2>&1; then
    log "Adding Synapse's url-preview extra to $VENV_DIR"
    PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV_DIR/bin/python" -m pip install --quiet --only-binary=:all: \
      "matrix-synapse[url-preview]==$SYNAPSE_VERSION" </dev/null
  fi
  log "Synapse $SYNAPSE_VERSION already installed in $VENV_DIR (marker present); nothing to do."
  exit 0
fi

start_ts=$(date +%s)

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "ERROR: '$PYTHON' not found; set PYTHON to a Python >= 3.10 interpreter." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  log "ERROR: $("$PYTHON" --version 2>&1) is too old; Synapse $SYNAPSE_VERSION needs Python >= 3.10." >&2
  exit 1
fi

# A venv without the marker is a leftover from an interrupted or outdated
# install; rebuilding from scratch is cheaper than reasoning about its state.
if [[ -e "$VENV_DIR" ]]; then
  log "Removing incomplete or outdated venv at $VENV_DIR"
  rm -rf "$VENV_DIR"
fi

mkdir -p "$CACHE_DIR"
log "Creating virtualenv at $VENV_DIR with $("$PYTHON" --version 2>&1)"
"$PYTHON" -m venv "$VENV_DIR"

export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1
log "Upgrading pip in the venv"
"$VENV_DIR/bin/python" -m pip install --quiet --upgrade pip </dev/null

log "Installing matrix-synapse==$SYNAPSE_VERSION from PyPI (this takes a minute on a cold cache)"
# The url-preview extra (lxml, beautifulsoup4) lets the link-preview tests have Synapse preview a page.
"$VENV_DIR/bin/python" -m pip install --quiet --only-binary=matrix-synapse,lxml,beautifulsoup4 \
  "matrix-synapse[url-preview]==$SYNAPSE_VERSION" </dev/null

log "Checking that the homeserver module imports"
"$VENV_DIR/bin/python" -c 'import synapse, synapse.app.homeserver; print("[setup-synapse] synapse", synapse.__version__)'

printf 'matrix-synapse==%s\n' "$SYNAPSE_VERSION" >"$MARKER"
log "Done in $(( $(date +%s) - start_ts )) s. Synapse $SYNAPSE_VERSION is ready in $VENV_DIR"
