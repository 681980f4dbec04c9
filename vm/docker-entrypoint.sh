#!/bin/sh
# The image's entrypoint. The VM stays root: it gives each relay user's agent a uid of its own
# and hands out their directories (docs/vm.md, "Users kept apart"). Before it starts:
# - /proc is remounted with hidepid=2 where the Machine allows it, so an agent sees only its own
#   processes (the VM says at start which it got);
# - the server keeps only the capabilities it uses, and no_new_privs holds for it and everything
#   it starts: no agent gains a privilege through a setuid binary or file capabilities.
set -eu
mkdir -p "${DATA_DIR:-/data}"
mount -o remount,hidepid=2 /proc 2>/dev/null || echo "vm-entrypoint: /proc could not be remounted with hidepid=2" >&2
exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,+chown,+dac_read_search,+fowner,+setuid,+setgid,+kill -- "$@"
