#!/bin/sh
# Fly mounts the volume owned by root: give DATA_DIR to the `node` user, then run the VM as it.
set -eu
mkdir -p "${DATA_DIR:-/data}"
chown node:node "${DATA_DIR:-/data}"
exec setpriv --reuid=node --regid=node --init-groups -- "$@"
