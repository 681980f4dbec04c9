// `wrangler dev` without its inspector, for a side-by-side measurement (BENCH_DEV_INSPECTOR=off):
// the same Worker, config and local runtime through wrangler's own programmatic dev server
// (`unstable_startWorker`), whose inspector can be turned off, which `wrangler dev`'s command line
// cannot do. With the inspector on, every console.log also crosses it to wrangler's Node; this
// says what that costs a Worker that logs. Takes the flags startWranglerDev passes; the Worker's
// log lines go to stdout one per line, as `wrangler dev` prints them.
import { join } from "node:path";
import { unstable_startWorker } from "wrangler";

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
};
const vars = Object.fromEntries(
  argv.flatMap((arg, i) => (argv[i - 1] === "--var" ? [arg.slice(0, arg.indexOf(":"))].map((name) => [name, { type: "plain_text" as const, value: arg.slice(name.length + 1) }]) : [])),
);

const worker = await unstable_startWorker({
  config: join(process.cwd(), "wrangler.toml"),
  bindings: vars,
  dev: {
    server: { hostname: flag("ip") ?? "127.0.0.1", port: Number(flag("port")) },
    inspector: false,
    persist: flag("persist-to"),
    watch: false,
    logLevel: "none",
    structuredLogsHandler: ({ message }: { message: string }) => process.stdout.write(`${message}\n`),
  },
});
await worker.ready;
process.stdout.write(`Ready on ${String(await worker.url)}\n`);
const stop = () => void worker.dispose().finally(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
