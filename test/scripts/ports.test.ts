// The port check that lets a second `npm start` refuse before starting anything.
import { createServer, type Server } from "node:net";
import { expect, it, onTestFinished } from "vitest";
import { describeTakenPorts, findTakenPorts, freePort } from "../../scripts/stack/ports";

const HOST = "127.0.0.1";

async function listen(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0 };
}

it("names each taken port and its child, and passes free ones", async () => {
  const { port: taken } = await listen(HOST);
  const free = await freePort(HOST);
  expect(await findTakenPorts(HOST, { worker: free, twilio: taken })).toEqual([{ name: "twilio", port: taken, code: "EADDRINUSE" }]);
  expect(await findTakenPorts(HOST, { worker: free })).toEqual([]);
});

it("sees a port taken on every interface as taken on 127.0.0.1", async () => {
  const { port } = await listen("0.0.0.0");
  expect(await findTakenPorts(HOST, { vm: port })).toEqual([{ name: "vm", port, code: "EADDRINUSE" }]);
});

it("says which port and that nothing was started", () => {
  const lines = describeTakenPorts(HOST, [{ name: "worker", port: 8787, code: "EADDRINUSE" }]);
  expect(lines[0]).toBe("Port 8787 on 127.0.0.1 (the Worker under wrangler dev) is already in use.");
  expect(describeTakenPorts(HOST, [{ name: "flyProxy", port: 4281, code: "EADDRINUSE" }])[0]).toBe("Port 4281 on 127.0.0.1 (the Fly stand-in's proxy) is already in use.");
  expect(lines.at(-1)).toContain("nothing was started");
});
