// The VM stand-in as one Fly Machine's process: what the Fly stand-in starts for each Machine in
// the worker-machines tests. It takes the Machine's own VM_TOKEN and PORT from its environment,
// as the real VM does, and ends on SIGTERM (Fly's stop) or SIGINT.
import { startVmStandIn } from "./vm-stand-in";

const token = process.env["VM_TOKEN"];
const port = Number(process.env["PORT"]);
if (!token || !Number.isInteger(port) || port <= 0) {
  console.error("vm-stand-in-machine: VM_TOKEN and PORT are required");
  process.exit(2);
}
const vm = await startVmStandIn({ token, port, heartbeatMs: 500 });
console.log(`vm stand-in listening on ${vm.url} (machine ${process.env["FLY_MACHINE_ID"] ?? "?"})`);
const stop = () => void vm.close().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
