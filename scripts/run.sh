#!/usr/bin/env bash
# `make run`: starts Vigil from the build in BUILD_DIR. Until the server lands (issue 5), this
# shows the command-line tool, which is all there is to run.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR}
vigil="$build/src/cli/vigil"
if [ -x "$build/src/server/vigild" ]; then
  exec "$build/src/server/vigild" "$@"
fi
echo "The server (vigild) is not built yet: it is planned in issue 5."
echo "The vigil command-line tool is ready: $vigil"
echo
"$vigil" --help
echo
echo "Try:  $vigil keygen -o key.txt && echo hello | $vigil encrypt -a -R <($vigil keygen -y key.txt)"
