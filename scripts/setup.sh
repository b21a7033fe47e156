#!/usr/bin/env bash
# Installs what `npm start` or `npm test` needs, and does nothing that is already done, so both commands are safe to
# run again. Usage: scripts/setup.sh start|test
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-start}"
log() { printf '[setup] %s\n' "$*"; }

# --- System packages ----------------------------------------------------------------------------------------------
# libsecret-1-dev: keytar (the OS keychain binding) compiles against it at npm install time.
# ffmpeg: re-encodes uploaded video and audio (upload_media's encode_to), as gomuks does; the tests also probe the
# result with its ffprobe.
# For tests also: a real browser (Chromium's headless shell for most browser tests, lighter on the CPU; the full one
# where its own layer is tested: desktop notifications, media devices), a real Secret Service on a private D-Bus
# session, and python3-dbusmock to stand in for a tray host (StatusNotifierWatcher) there.
packages=(libsecret-1-dev ffmpeg)
# fonts-noto-*: emoji and CJK glyphs in the UI screenshots (without them they show as empty boxes).
# nsis: makensis compiles the Windows installer's own script (assets/installer.nsh) in a test.
if [[ "$purpose" == test ]]; then packages+=(chromium chromium-headless-shell dbus gnome-keyring fonts-noto-color-emoji fonts-noto-cjk python3-dbusmock nsis); fi
missing=()
if command -v dpkg >/dev/null; then
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
fi
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]]; then
    log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    log "installing system packages with sudo: ${missing[*]}"
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing system packages: ${missing[*]} — install them (e.g. sudo apt-get install ${missing[*]}) and run again"
    exit 1
  fi
fi

# --- npm packages -------------------------------------------------------------------------------------------------
# node_modules/.package-lock.json is npm's record of the last install: reinstall only when the lockfile is newer.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json \
      || package.json -nt node_modules/.package-lock.json || ! -x node_modules/.bin/node ]]; then
  log "installing npm packages"
  # A fresh checkout installs exactly the lockfile; an existing one is brought up to date with it.
  if [[ -d node_modules ]]; then npm install --no-audit --no-fund; else npm ci --no-audit --no-fund; fi
  touch node_modules/.package-lock.json
fi
# keytar is a native module built at install time; if it was built before libsecret was present it won't load.
if ! node_modules/.bin/node -e "require('keytar')" 2>/dev/null; then
  log "rebuilding keytar against libsecret"
  npm rebuild keytar
fi

# --- Test homeserver ----------------------------------------------------------------------------------------------
if [[ "$purpose" == test ]]; then bash scripts/setup-synapse.sh; fi

# --- Build (renderer, main, preload) ------------------------------------------------------------------------------
node_modules/.bin/node scripts/build.mjs
