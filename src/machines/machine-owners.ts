// A user's object tells the directory whose Machine and volume names are whose (VM_MODE=machines),
// before it makes either: /vm and /vm sweep read ownership there and never wait on the object.
import type { FlyNames } from "./fly-identity";
import type { Log } from "../shared/log";
import { directoryOf } from "../directory/user-directory";
import { boundedCall } from "../shared/bounded-call";

/** The directory answers in milliseconds; past this the Machine waits for the next attempt. */
const RECORD_TIMEOUT_MS = 10_000;

/** Records in the directory that a Machine's and volume's names are this user's (VM_MODE=machines); false when it did not answer. */
export type RecordMachineOwner = (names: FlyNames) => Promise<boolean>;

export function machineOwnerRecorder(env: Env, user: string, log: Log): RecordMachineOwner {
  return async (names: FlyNames) => {
    const recorded = await boundedCall(() => directoryOf(env).recordMachineOwner({ user, machineName: names.machine, volumeName: names.volume }), RECORD_TIMEOUT_MS);
    if (!recorded.ok) log("machine_owner_unrecorded", { error: recorded.error });
    return recorded.ok;
  };
}
