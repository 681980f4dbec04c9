// Settings shared by the workerd test project (vitest.config.ts) and its tests. The local
// stand-ins of Twilio (the project's emulator) and of the agent VM listen on ephemeral ports
// chosen by global-setup.ts and handed to the bindings through vitest's provide/inject.
export const TEST_ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
export const TEST_AUTH_TOKEN = "test-auth-token-0123456789";
export const TEST_VM_TOKEN = "test-vm-token-0123456789";
export const TEST_PUBLIC_URL = "https://relay.example.test";
export const TEST_TEMPLATE_SID = "HX0123456789abcdef0123456789abcdef";
export const TEST_WHATSAPP_FROM = "whatsapp:+14155238886";
/** Numbers +15550000100 … +15550000299 are allowed; each test file uses its own. */
export const TEST_ALLOWED = Array.from({ length: 200 }, (_, i) => `+1555000${String(100 + i).padStart(4, "0")}`);
export const TEST_ADMIN = TEST_ALLOWED[0]!;

export function testBindings(urls: { twilioBase: string; vmUrl: string; transcriberUrl: string }) {
  return {
    TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    TWILIO_WHATSAPP_FROM: TEST_WHATSAPP_FROM,
    TWILIO_API_BASE: urls.twilioBase,
    TWILIO_MESSAGING_API_BASE: urls.twilioBase,
    TWILIO_CONTENT_API_BASE: urls.twilioBase,
    PUBLIC_URL: TEST_PUBLIC_URL,
    ALLOWED_SENDERS: TEST_ALLOWED.join(","),
    ADMIN_SENDERS: TEST_ADMIN,
    VM_URL: urls.vmUrl,
    VM_TOKEN: TEST_VM_TOKEN,
    TRANSCRIBER_URL: urls.transcriberUrl,
    // Tests drive one phone faster than a person types (the fuzzers, dozens a second); the limit
    // has a project of its own (test/worker-limits).
    MAX_MESSAGES_PER_MINUTE: "0",
  };
}
