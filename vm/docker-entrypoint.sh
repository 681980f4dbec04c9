#!/bin/sh
# The image's entrypoint. The VM stays root: it gives each relay user's agent a uid of its own
# and hands out their directories (docs/vm.md, "Users kept apart"). Before it starts:
# - /proc is remounted with hidepid=2 where the Machine allows it, so an agent sees only its own
#   processes; where it does not, the server refuses every run (and says why on /health) unless
#   ALLOW_SHARED_PROC=1;
# - Fly's Machines API socket (/.fly/api, which acts with this Machine's token) is closed to all
#   but root: its directory 0700, the socket 0600. The server checks as an agent uid at start and
#   refuses every run while it is still open;
# - Yama's ptrace_scope is raised to 1 where the kernel has Yama: a process may attach to (and read
#   the memory of) only its own descendants, so no run of a user acts from inside another of the
#   same uid. The server also starts each agent in a Landlock domain of its own where the kernel
#   has Landlock, and names at start which of the two hold (docs/vm.md, what the agent can reach);
# - the server keeps only the capabilities it uses, and no_new_privs holds for it and everything
#   it starts: no agent gains a privilege through a setuid binary or file capabilities. It keeps
#   CAP_NET_ADMIN and CAP_SYS_ADMIN to give each user's agent a network namespace of its own
#   (`ip netns`, nft, nsenter; docs/vm.md, what the agent can reach); agents keep none.
# To read its agents' directories it keeps CAP_DAC_READ_SEARCH. Docker's and buildah's default
# sets leave that one out but hold CAP_DAC_OVERRIDE, which reads as much and writes too: the
# server keeps that instead, and says so (docs/vm.md, capabilities). What the machine still
# withholds, the server finds by trying at start, and names in its log and on /health.
set -eu
mkdir -p "${DATA_DIR:-/data}"
mount -o remount,hidepid=2 /proc 2>/dev/null || echo "vm-entrypoint: /proc could not be remounted with hidepid=2: the server refuses agents unless ALLOW_SHARED_PROC=1" >&2
# FLY_API_SOCKET: another path only in tests (vm/test/entrypoint-fly-api.test.ts).
fly_api=${FLY_API_SOCKET:-/.fly/api}
if [ -e "$fly_api" ]; then
  { chown root:root "$(dirname "$fly_api")" && chmod 0700 "$(dirname "$fly_api")" && chmod 0600 "$fly_api"; } 2>/dev/null \
    || echo "vm-entrypoint: $fly_api could not be closed to agents: the server refuses agents while they can open it" >&2
fi
# YAMA_PTRACE_SCOPE: another path only in tests (vm/test/entrypoint-ptrace-scope.test.ts). 2 and 3 are stricter: kept.
yama=${YAMA_PTRACE_SCOPE:-/proc/sys/kernel/yama/ptrace_scope}
if [ -e "$yama" ] && [ "$(cat "$yama" 2>/dev/null || echo 0)" = 0 ]; then
  { echo 1 > "$yama"; } 2>/dev/null \
    || echo "vm-entrypoint: $yama could not be set to 1: processes of one uid can attach to each other where the server finds no Landlock either" >&2
fi
bounding=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
has_cap() { [ $(( (0x${bounding:-0} >> $1) & 1 )) -eq 1 ]; }
read_cap=dac_read_search
if ! has_cap 2 && has_cap 1; then
  read_cap=dac_override
  echo "vm-entrypoint: CAP_DAC_READ_SEARCH is not granted (Docker's and buildah's defaults): the server keeps CAP_DAC_OVERRIDE instead to read its agents' directories, which also lets it write them; add DAC_READ_SEARCH to the container for the narrower one" >&2
fi
exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,+chown,+$read_cap,+fowner,+setuid,+setgid,+kill,+net_admin,+sys_admin -- "$@"
