// CLI: the Fly Machines API stand-in and its proxy, configured from flags or the environment:
//   tsx emulator/fly/main.ts --api-port 4280 --proxy-port 4281 --data-dir .fly-data --app my-agents \
//     --token local-token [--command '["node","server.js"]'] [--secret NAME=VALUE]… [--no-rate-limits]
import { parseArgs } from "node:util";
import { z } from "zod";
import { startFlyEmulator } from "./server";

const { values } = parseArgs({
  options: {
    "api-port": { type: "string" },
    "proxy-port": { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    app: { type: "string", multiple: true },
    token: { type: "string", multiple: true },
    command: { type: "string" },
    secret: { type: "string", multiple: true },
    region: { type: "string" },
    "no-rate-limits": { type: "boolean" },
  },
});
const env = process.env;
const list = (text: string | undefined) => (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);

const ArgsSchema = z.object({
  apiPort: z.coerce.number().int().min(0).max(65535).default(4280),
  proxyPort: z.coerce.number().int().min(0).max(65535).default(4281),
  host: z.string().default("127.0.0.1"),
  dataDir: z.string().min(1).default(".data/fly"),
  apps: z.array(z.string()).min(1, "name an app with --app or FLY_APP"),
  tokens: z.array(z.string()).min(1, "give a token with --token or FLY_API_TOKEN"),
  command: z.string().transform((text) => z.array(z.string()).min(1).parse(JSON.parse(text))).optional(),
  secrets: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/, "NAME=VALUE")),
  primaryRegion: z.string().optional(),
});

const parsed = ArgsSchema.safeParse({
  apiPort: values["api-port"] ?? env.FLY_EMULATOR_API_PORT,
  proxyPort: values["proxy-port"] ?? env.FLY_EMULATOR_PROXY_PORT,
  host: values.host ?? env.FLY_EMULATOR_HOST,
  dataDir: values["data-dir"] ?? env.FLY_EMULATOR_DATA_DIR,
  apps: values.app ?? list(env.FLY_APP),
  tokens: values.token ?? list(env.FLY_API_TOKEN),
  command: values.command ?? env.FLY_EMULATOR_COMMAND,
  secrets: values.secret ?? [],
  primaryRegion: values.region ?? env.FLY_EMULATOR_REGION,
});
if (!parsed.success) {
  console.error(`[fly] bad arguments:\n${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;

try {
  const fly = await startFlyEmulator({
    apiPort: args.apiPort,
    proxyPort: args.proxyPort,
    host: args.host,
    dataDir: args.dataDir,
    apps: args.apps,
    tokens: args.tokens,
    ...(args.command ? { command: args.command } : {}),
    secrets: Object.fromEntries(args.secrets.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)])),
    ...(args.primaryRegion ? { primaryRegion: args.primaryRegion } : {}),
    rateLimits: !values["no-rate-limits"],
  });
  console.log(`[fly] Machines API on ${fly.apiUrl}, proxy on ${fly.proxyUrl} (apps ${args.apps.join(", ")}, data ${args.dataDir})`);
  const stop = () => void fly.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(code === "EADDRINUSE" ? `[fly] a port is already in use: ${(error as Error).message}` : `[fly] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
