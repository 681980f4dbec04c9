// Fly's error bodies: always `{ "error": "..." }`, sometimes with a `status` code fly-go reads
// (flaps_error.go: `insufficient_capacity`, `name_taken`). Wording follows what Fly's API and
// flyctl print; where we could only reconstruct it, docs/fly-machines.md says so.

export type FlyError = { status: 400 | 401 | 404 | 408 | 409 | 412 | 422 | 429 | 500 | 502 | 503; body: { error: string; status?: string }; retryAfterSeconds?: number };

const error = (status: FlyError["status"], message: string, code?: string): FlyError => ({ status, body: { error: message, ...(code ? { status: code } : {}) } });

export const FlyErrors = {
  unauthorized: () => error(401, "You must be authenticated to view this."),
  appNotFound: (app: string) => error(404, `app not found: ${app}`),
  /** App names are unique across Fly; the wording is flyctl's for `fly apps create` with a taken name. */
  appNameTaken: () => error(422, "Validation failed: Name has already been taken"),
  machineNotFound: (id: string) => error(404, `machine not found: ${id}`),
  volumeNotFound: (id: string) => error(404, `volume not found: ${id}`),
  leaseNotFound: () => error(404, "lease not found"),
  badRequest: (message: string) => error(400, message),
  /** A second create with a taken name; clients parse the id out of it ("machine ID (\w+)"). */
  nameTaken: (id: string, name: string) => error(409, `already_exists: unique machine name violation, machine ID ${id} with name "${name}" already exists`),
  /** A change without the lease holder's nonce; flyd's wording, the expiry in RFC 3339 UTC. */
  leaseHeld: (id: string, owner: string, expiresAt: number) =>
    error(409, `aborted: machine ID ${id} lease currently held by ${owner}, expires at ${new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z")}`),
  leaseNonceMismatch: () => error(409, "lease nonce does not match"),
  wrongState: (action: string, state: string) => error(412, `unable to ${action} machine from current state: '${state}'`),
  notStoppedForDestroy: () => error(412, "unable to destroy machine, not currently stopped or suspended (pass force=true to stop it first)"),
  volumeAttached: (volumeId: string, machineId: string) => error(412, `volume ${volumeId} is attached to machine ${machineId}; destroy the machine first`),
  /** Volume create in a region with no room (observed as 400 "no capacity available in <region>"). */
  volumeNoCapacity: (region: string) => error(400, `no capacity available in ${region}`),
  /** Machine create where no host has room; fly-go reads `status` to suggest another region. */
  machineNoCapacity: (region: string) => error(412, `insufficient resources available to fulfill request: could not reserve resource for machine in ${region}`, "insufficient_capacity"),
  waitTimeout: (state: string) => error(408, `deadline_exceeded: machine did not reach state ${state} in time`),
  rateLimited: (retryAfterSeconds: number) => ({ ...error(429, "rate limit exceeded"), retryAfterSeconds }),
  injected: (status: number, retryAfterSeconds: number): FlyError => ({
    status: status as FlyError["status"],
    body: { error: status === 429 ? "rate limit exceeded" : "internal error" },
    retryAfterSeconds,
  }),
} as const;
