// A `.dev.vars` as the plan's tests read it: the emulator's credentials, Alice and Bob allowed, a VM token.
import type { LocalVars } from "../../scripts/stack/dev-vars";

export const VARS: LocalVars = {
  TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
  TWILIO_AUTH_TOKEN: "emulator-token",
  TWILIO_WHATSAPP_FROM: "whatsapp:+14155238886",
  ALLOWED_SENDERS: "+15551230001,+15551230002",
  VM_TOKEN: "vm-secret",
};
