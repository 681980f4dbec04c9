import { describe, expect, it } from "vitest";
import { AGENT_INTERNAL_PORT, AGENT_MOUNT_PATH, agentMachineConfig, agentVolumeRequest, DEFAULT_GUEST } from "../../src/machines/fly-machine-config";

const input = { image: "registry.fly.io/agents:v7", volumeId: "vol_abcdefghij012345", vmToken: "f".repeat(64) };

describe("agentMachineConfig", () => {
  const config = agentMachineConfig(input);

  it.each([
    ["image", config.image, "registry.fly.io/agents:v7"],
    ["guest", config.guest, DEFAULT_GUEST],
    ["mount", config.mounts, [{ volume: "vol_abcdefghij012345", path: AGENT_MOUNT_PATH }]],
    ["env", config.env, { VM_TOKEN: "f".repeat(64), DATA_DIR: AGENT_MOUNT_PATH, PORT: String(AGENT_INTERNAL_PORT) }],
    ["restart", config.restart, { policy: "on-failure", max_retries: 5 }],
    ["stop_config", config.stop_config, { signal: "SIGTERM", timeout: "30s" }],
  ])("%s", (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it("has one service the proxy can reach: public ports, an http handler, autostart on, autostop off", () => {
    expect(config.services).toHaveLength(1);
    const [service] = config.services;
    expect(service).toMatchObject({ protocol: "tcp", internal_port: AGENT_INTERNAL_PORT, autostart: true, autostop: "off" });
    expect(service!.ports.some((p) => p.handlers.includes("http"))).toBe(true);
  });

  it("carries no relay secret: only the Machine's own token", () => {
    expect(Object.keys(config.env).sort()).toEqual(["DATA_DIR", "PORT", "VM_TOKEN"]);
  });

  it.each([
    [{ cpu_kind: "shared", cpus: 2, memory_mb: 2048 }, true],
    [{ cpu_kind: "shared", cpus: 2, memory_mb: 4096 }, false],
  ])("guest %j can be suspended: %s", (guest, allowed) => {
    const build = () => agentMachineConfig({ ...input, guest });
    if (allowed) expect(build().guest).toEqual(guest);
    else expect(build).toThrow(/suspended/);
  });
});

describe("agentVolumeRequest", () => {
  it.each([
    ["agent_0123456789abcdef", "iad", undefined, 1],
    ["agent_0123456789abcdef", "ams", 5, 5],
  ])("%s in %s", (name, region, size, expected) => {
    expect(agentVolumeRequest(name, region, size)).toEqual({ name, region, size_gb: expected, encrypted: true, compute: { ...DEFAULT_GUEST } });
  });
});
