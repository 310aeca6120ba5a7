#!/usr/bin/env bash
# Make /dev/null the null device again. Some sandboxes leave it a regular file, which then keeps
# whatever is written to it and hands it to the next reader (see .ci/run). Needs root for mknod;
# without it, the best we can do is empty the file, and we say so.
# No redirection to /dev/null here: the shell would create the file again before mknod runs.
set -u
if [ -c /dev/null ]; then
  exit 0
fi
if rm -f /dev/null && mknod -m 666 /dev/null c 1 3; then
  echo "dev-null: /dev/null was a regular file; replaced by the null device" >&2
else
  # rm may have succeeded and mknod failed: leave an empty, writable file so redirections work.
  : >/dev/null
  chmod 666 /dev/null
  echo "dev-null: /dev/null is a regular file and could not be replaced; emptied it" >&2
fi
