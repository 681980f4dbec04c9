// Runs the offline model (the Anthropic Messages API stand-in) on its own:
// `ANTHROPIC_STAND_IN_PORT=8790 npx tsx test/stand-ins/anthropic-api-main.ts`.
import { startAnthropicStandIn } from "./anthropic-api";

const raw = process.env.ANTHROPIC_STAND_IN_PORT ?? process.env.PORT ?? "8790";
const port = Number(raw);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`anthropic stand-in: invalid port "${raw}"`);
  process.exit(1);
}
const standIn = await startAnthropicStandIn({ port, host: process.env.ANTHROPIC_STAND_IN_HOST ?? "127.0.0.1" });
console.log(`anthropic stand-in (offline model) listening on ${standIn.url}`);
const stop = () => void standIn.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
