// The worker-admin project's numbers (vitest.config.ts): each test file has its own block of ten,
// +1555000191x … +1555000197x: its admin (…x0), its operator-configured user (…x1), and numbers
// it allows at run time (…x5-…x9). The directory is one object shared by every file, so no
// file relies on another's numbers being absent from it.
const BLOCKS = [1, 2, 3, 4, 5, 6, 7];

export const adminOf = (block: number) => `+155500019${block}0`;
export const configuredOf = (block: number) => `+155500019${block}1`;

export const ADMIN_TEST_BINDINGS = {
  ALLOWED_SENDERS: BLOCKS.map(configuredOf).join(","),
  // …80: an admin of its own for admin-users-doors.test.ts, who links a Telegram chat; no user of
  // block 8 is configured, so /users stays one WhatsApp message for admin-users.test.ts.
  ADMIN_SENDERS: [...BLOCKS, 8].map(adminOf).join(","),
};
