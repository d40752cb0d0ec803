#!/usr/bin/env bash
# Fails the preview job when the preview does not run (limit reached or deploy failed), after the
# pull request was told why: the check goes red with the same reason as an annotation.
# Env: MESSAGE (the deploy step's message; may be empty).
set -euo pipefail

echo "::error::no preview: ${MESSAGE:-the deploy did not succeed}"
exit 1
