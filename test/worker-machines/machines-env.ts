// The worker-machines project's settings (vitest.config.ts): VM_MODE=machines against the Fly
// stand-in, whose every Machine runs the VM stand-in. Short idle and retirement times so a test
// sees a Machine suspended (2 s) and retired (0.0001 days: 8.6 s). Each file uses its own phones,
// +15550000150 … +15550000169 (allowed in test-env's TEST_ALLOWED).
export const FLY_TEST_APP = "relay-agents-test";
export const FLY_TEST_TOKEN = "fly-api-test-token";
export const FLY_TEST_IMAGE = "registry.fly.io/relay-agents-test:v1";
export const MACHINE_TEST_IDLE_MS = 2_000;
export const MACHINE_TEST_RETIRE_DAYS = 0.0001;

export function machinesBindings(urls: { flyApiUrl: string; flyProxyUrl: string }) {
  return {
    VM_MODE: "machines",
    FLY_API_TOKEN: FLY_TEST_TOKEN,
    FLY_APP: FLY_TEST_APP,
    FLY_API_BASE: urls.flyApiUrl,
    FLY_PROXY_URL: urls.flyProxyUrl,
    FLY_IMAGE: FLY_TEST_IMAGE,
    FLY_REGIONS: "iad,ord",
    MACHINE_IDLE_MS: String(MACHINE_TEST_IDLE_MS),
    MACHINE_IDLE_ACTION: "suspend",
    MACHINE_RETIRE_DAYS: String(MACHINE_TEST_RETIRE_DAYS),
  };
}
