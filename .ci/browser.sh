#!/usr/bin/env bash
# Installs what the browser tests need (tests/test_browser.py): Chromium and its WebDriver from Debian.
# Safe to `source` from .ci/run or to run with bash: the work happens in a subshell, so it changes no
# shell options of the caller; it returns non-zero when the install fails. Idempotent: skips what is
# there. Starts nothing: the tests start the kamerkg server and headless Chromium on 127.0.0.1 themselves.
(
  set -euo pipefail
  if command -v chromium >/dev/null 2>&1; then
    echo "browser.sh: $(chromium --version 2>/dev/null | head -1) already installed"
    exit 0
  fi
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core
  chromium --version
)
