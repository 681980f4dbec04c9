// The agent VM's settings (docs/fly-machines.md): VM_MODE shared, one VM at VM_URL; machines, a Fly
// Machine per phone. Declared here (config/settings-declaration.ts's shape) with its fields of
// Config, and listed in agent/; a half-configured `machines` mode fails the configuration closed.
import * as z from "zod/mini";
import type { Config } from "../config/config";
import { httpUrl, optional, type SettingProblem } from "../config/config-fields";
import { settingsPart } from "../config/settings-declaration";
import { parseFlyRegions } from "./fly-retry";

const MACHINES_ENV_SHAPE = {
  VM_URL: optional(httpUrl),
  VM_TOKEN: optional(z.string().check(z.minLength(1))),
  VM_MODE: optional(z.enum(["shared", "machines"], "VM_MODE must be shared or machines")),
  FLY_API_TOKEN: optional(z.string().check(z.minLength(1))),
  FLY_APP: optional(z.string().check(z.regex(/^[a-z0-9-]{1,63}$/, "FLY_APP must be a Fly app name (lowercase letters, digits, dashes)"))),
  FLY_API_BASE: optional(httpUrl),
  FLY_PROXY_URL: optional(httpUrl),
  FLY_IMAGE: optional(z.string().check(z.minLength(1), z.maxLength(300))),
  FLY_REGIONS: optional(z.string().check(z.regex(/^\s*[a-z]{3}\s*(,\s*[a-z]{3}\s*)*$/i, "FLY_REGIONS must be three-letter region codes separated by commas"))),
  MACHINE_IDLE_MS: optional(z.string().check(z.regex(/^\d{1,9}$/, "MACHINE_IDLE_MS must be a whole number of milliseconds"), z.refine((v) => Number(v) >= 1000, "MACHINE_IDLE_MS must be at least 1000"))),
  MACHINE_IDLE_ACTION: optional(z.enum(["suspend", "stop"], "MACHINE_IDLE_ACTION must be suspend or stop")),
};

/** A Machine unused this long is retired, unless MACHINE_RETIRE_DAYS says otherwise (MACHINE_RETIRE_SETTINGS). */
const DEFAULT_RETIRE_DAYS = 30;
const retireMsOf = (days: number) => Math.round(days * 86_400_000);

export type MachinesConfig = {
  api: { apiBase: string; app: string; token: string };
  proxyUrl: string;
  image: string;
  regions: string[];
  idleMs: number;
  idleAction: "suspend" | "stop";
  retireMs: number;
  /** The relay's VM_TOKEN: each Machine's own is derived from it. */
  relayVmToken: string;
};

declare module "../config/config" {
  interface Config {
    /** `shared` (VM_MODE): the one agent VM every user's requests go to (VM_URL); null when not configured. */
    vm: { url: string; token: string } | null;
    /** `machines` (VM_MODE): each phone's own Fly Machine; null in shared mode. */
    machines: MachinesConfig | null;
  }
}

const RETIRE_ENV_SHAPE = {
  // Fractions allowed (a test retires a Machine in seconds).
  MACHINE_RETIRE_DAYS: optional(z.string().check(z.regex(/^\d{1,4}(\.\d{1,6})?$/, "MACHINE_RETIRE_DAYS must be a number of days"), z.refine((v) => Number(v) > 0, "MACHINE_RETIRE_DAYS must be more than 0"))),
};

const MACHINES_REQUIRED = ["FLY_API_TOKEN", "FLY_APP", "FLY_IMAGE", "VM_TOKEN"] as const;

export const MACHINES_SETTINGS = settingsPart<typeof MACHINES_ENV_SHAPE, Pick<Config, "vm" | "machines">>({
  env: MACHINES_ENV_SHAPE,
  /** In `machines` mode the Fly settings are required: a half-configured mode fails closed. */
  requires: (e) => ((e.VM_MODE ?? "shared") === "shared" ? [] : MACHINES_REQUIRED.filter((name) => e[name] === undefined).map((name) => `${name}: required when VM_MODE=machines`)),
  read(e) {
    if ((e.VM_MODE ?? "shared") === "shared") return { ok: true, config: { vm: e.VM_URL && e.VM_TOKEN ? { url: e.VM_URL, token: e.VM_TOKEN } : null, machines: null } };
    const app = e.FLY_APP!;
    const machines: MachinesConfig = {
      api: { apiBase: e.FLY_API_BASE ?? "https://api.machines.dev", app, token: e.FLY_API_TOKEN! },
      proxyUrl: e.FLY_PROXY_URL ?? `https://${app}.fly.dev`,
      image: e.FLY_IMAGE!,
      regions: parseFlyRegions(e.FLY_REGIONS),
      idleMs: e.MACHINE_IDLE_MS === undefined ? 900_000 : Number(e.MACHINE_IDLE_MS),
      idleAction: e.MACHINE_IDLE_ACTION ?? "suspend",
      retireMs: retireMsOf(DEFAULT_RETIRE_DAYS),
      relayVmToken: e.VM_TOKEN!,
    };
    return { ok: true, config: { vm: null, machines } };
  },
  needs: vmNeeds,
});

/**
 * MACHINE_RETIRE_DAYS, a part of its own listed after the archive's (agent/relay-settings.ts): GET
 * /health named an invalid ARCHIVE_AFTER_DAYS before it when config/ declared both, and does again.
 */
export const MACHINE_RETIRE_SETTINGS = settingsPart<typeof RETIRE_ENV_SHAPE, Partial<Pick<Config, "machines">>>({
  env: RETIRE_ENV_SHAPE,
  read(e, soFar) {
    // A programmer's error, not a setting's: agent/relay-settings.ts lists MACHINES_SETTINGS first.
    if (soFar.machines === undefined) throw new Error("MACHINE_RETIRE_SETTINGS is read after MACHINES_SETTINGS (agent/relay-settings.ts)");
    if (soFar.machines === null || e.MACHINE_RETIRE_DAYS === undefined) return { ok: true, config: {} };
    return { ok: true, config: { machines: { ...soFar.machines, retireMs: retireMsOf(Number(e.MACHINE_RETIRE_DAYS)) } } };
  },
});

/** The VM of the mode: shared, one VM at VM_URL; machines, the Fly Machines API. An invalid VM_MODE is named as invalid only. */
function vmNeeds(has: (name: string) => boolean, env: Readonly<Record<string, unknown>>): SettingProblem[] {
  const mode = typeof env.VM_MODE === "string" && env.VM_MODE.trim() !== "" ? env.VM_MODE.trim() : "shared";
  const needed = mode === "shared" ? ["VM_URL", "VM_TOKEN"] : mode === "machines" ? MACHINES_REQUIRED : [];
  return needed.filter((name) => !has(name)).map((name) => ({ name, problem: `is not set (required when VM_MODE=${mode}): no run can start` }));
}
