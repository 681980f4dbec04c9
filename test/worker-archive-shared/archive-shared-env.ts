// The worker-archive-shared project's settings (vitest.config.ts): the worker project's shared VM
// (VM_MODE unset: one VM stand-in for everyone) with ARCHIVE_AFTER_DAYS in seconds (0.00003 days:
// 2.6 s), so a test sees a user archived off the shared VM and brought back. Its phones,
// +15550000396 … +15550000399, are allowed here.
import { TEST_ALLOWED } from "../worker/test-env.ts";
import { ARCHIVE_TEST_DAYS } from "../worker-archive/archive-env.ts";

export const ARCHIVE_SHARED_TEST_PHONES = Array.from({ length: 4 }, (_, i) => `+155500003${96 + i}`);

export const ARCHIVE_SHARED_BINDINGS = {
  ARCHIVE_AFTER_DAYS: String(ARCHIVE_TEST_DAYS),
  ALLOWED_SENDERS: [...TEST_ALLOWED, ...ARCHIVE_SHARED_TEST_PHONES].join(","),
};
