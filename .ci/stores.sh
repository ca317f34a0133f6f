#!/usr/bin/env bash
# Installs what the store tests need (tests/test_stores.py, tests/test_linking.py, tests/test_federated.py):
# Virtuoso open source and raptor2-utils from Debian, the Oxigraph server from PyPI.
# Safe to `source` from .ci/run or to run with bash: the work happens in a subshell, so it changes no
# shell options of the caller; it returns non-zero when an install fails. Idempotent: skips what is there.
# Starts nothing: the tests start the servers themselves on 127.0.0.1 and stop them.
(
    set -euo pipefail
    retry() {  # a registry hiccup should not fail CI: three tries, 10 s apart
        local n
        for n in 1 2 3; do
            if "$@"; then return 0; fi
            echo "stores.sh: '$*' failed (try $n of 3)" >&2
            sleep 10
        done
        return 1
    }
    if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1 \
        || ! command -v rapper >/dev/null 2>&1; then
        retry apt-get update -qq
        retry env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource raptor2-utils >/dev/null
    fi
    if ! command -v oxigraph >/dev/null 2>&1; then
        retry python3 -m pip install -q "oxigraph>=0.5"
    fi
    echo "stores: $(command -v virtuoso-t) $(command -v isql-vt) $(command -v oxigraph) $(command -v rapper)"
)
