// Which agent VM a phone's runs go to (machines/agent-vm.ts): its own Machine in machines mode,
// the one configured VM in shared mode, none when neither is configured.
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config";
import { loadConfig } from "../../src/agent/relay-settings";
import { agentVmFor } from "../../src/machines/agent-vm";
import { machinesBindings } from "../worker-machines/machines-env";
import { noLog, T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();

function configOf(env: Record<string, string>): Config {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  return loaded.config;
}

describe("agentVmFor", () => {
  const deps = () => ({ repos: t.repos, phone: "+15550001901", log: noLog, clock: () => T0, recordOwner: async () => true });

  it.each([
    ["no configuration", null, { machine: false, vm: false }],
    ["no VM configured", configOf({}), { machine: false, vm: false }],
    ["shared mode", configOf({ VM_URL: "http://127.0.0.1:9", VM_TOKEN: "vm-token" }), { machine: false, vm: true }],
    ["machines mode", configOf({ ...machinesBindings({ flyApiUrl: "http://127.0.0.1:9", flyProxyUrl: "http://127.0.0.1:9" }), VM_TOKEN: "vm-token" }), { machine: true, vm: true }],
  ] as const)("%s", (_name, config, expected) => {
    const { machine, vm } = agentVmFor(config, deps());
    expect({ machine: machine !== null, vm: vm !== null }).toEqual(expected);
    if (machine) expect(machine.name).toBe("machine");
  });
});
