// The worker-archive project's settings (vitest.config.ts): the worker-machines project's Fly
// stand-in and Machines, with ARCHIVE_AFTER_DAYS in seconds (0.00003 days: 2.6 s) so a test sees a
// user archived and brought back. Its phones, +15550000380 … +15550000389, are allowed here.
import { TEST_ALLOWED } from "../worker/test-env.ts";
import { machinesBindings } from "../worker-machines/machines-env.ts";

export const ARCHIVE_TEST_DAYS = 0.00003;
export const ARCHIVE_TEST_PHONES = Array.from({ length: 10 }, (_, i) => `+155500003${80 + i}`);

export function archiveBindings(urls: { flyApiUrl: string; flyProxyUrl: string }) {
  return {
    ...machinesBindings(urls),
    // Suspension stays out of the archive's way; retirement (8.6 s) comes after it.
    MACHINE_IDLE_MS: "60000",
    ARCHIVE_AFTER_DAYS: String(ARCHIVE_TEST_DAYS),
    ALLOWED_SENDERS: [...TEST_ALLOWED, ...ARCHIVE_TEST_PHONES].join(","),
  };
}
