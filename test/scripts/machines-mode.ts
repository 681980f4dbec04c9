// A machines mode for the plan's tests: the stand-in's directory in a checkout at /repo, a token, settings.
import type { MachinesMode } from "../../scripts/stack/machines-plan";

export function machinesMode(overrides: Partial<MachinesMode> = {}): MachinesMode {
  return {
    kind: "machines",
    dataDir: "/repo/.data/fly",
    apiToken: "0123abcd",
    settings: { MACHINE_IDLE_MS: 60_000, MACHINE_IDLE_ACTION: "suspend" },
    vmCommand: ["/usr/bin/node", "--expose-gc", "--import", "tsx", "src/main.ts"],
    secrets: { ANTHROPIC_BASE_URL: "http://127.0.0.1:8790", ANTHROPIC_API_KEY: "sk-ant-from-the-shell" },
    ...overrides,
  };
}
