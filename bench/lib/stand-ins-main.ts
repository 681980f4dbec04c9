// Child process: the Twilio emulator and the VM stand-in, apart from the load generator so
// their work never delays its clocks. Prints one JSON line with both URLs, then serves until killed.
// With BENCH_STATUS_CALLBACKS=1 the emulator posts status callbacks (sent, delivered, read) for
// every reply, as Twilio does.
import { z } from "zod";
import { startTwilioEmulator } from "../../emulator/server";
import { startVmStandIn } from "../../test/stand-ins/vm-stand-in";

const EnvSchema = z.object({
  BENCH_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/),
  BENCH_AUTH_TOKEN: z.string().min(1),
  BENCH_VM_TOKEN: z.string().min(1),
  BENCH_STATUS_CALLBACKS: z.enum(["0", "1"]).default("0"),
});

const env = EnvSchema.parse(process.env);
const twilio = await startTwilioEmulator({ port: 0, accountSid: env.BENCH_ACCOUNT_SID, authToken: env.BENCH_AUTH_TOKEN, statusCallbacks: env.BENCH_STATUS_CALLBACKS === "1" });
const vm = await startVmStandIn({ token: env.BENCH_VM_TOKEN, port: 0 });
console.log(JSON.stringify({ twilioUrl: twilio.url, vmUrl: vm.url }));

const shutdown = async () => {
  await vm.close();
  await twilio.close();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
