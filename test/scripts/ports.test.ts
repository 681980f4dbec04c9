// The port check that lets a second `npm start` refuse before starting anything.
import { createServer, type Server } from "node:net";
import { expect, it, onTestFinished } from "vitest";
import { describeTakenPorts, ephemeralRange, findTakenPorts, freeListenPorts, listenBlockStarts } from "../../scripts/stack/ports";
import { freePort } from "../../emulator/tools/free-port";

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

it.each([
  // [the ephemeral range, a block of 8: where it may start]
  [[32768, 60999], { first: 20000, last: 32760 }],
  // macOS and Windows: everything from 20000 up to 49152 is free of it.
  [[49152, 65535], { first: 20000, last: 49144 }],
  // A range that starts low leaves the room above it.
  [[10000, 40000], { first: 40001, last: 65528 }],
  // No room on either side.
  [[1024, 65535], null],
] as const)("places a block of listening ports outside the ephemeral range %j", (ephemeral, expected) => {
  expect(listenBlockStarts(ephemeral, 8)).toEqual(expected);
});

it("reads the kernel's ephemeral range, and Linux's default when it cannot", () => {
  expect(ephemeralRange(() => "32768\t60999\n")).toEqual([32768, 60999]);
  expect(ephemeralRange(() => "49152 65535")).toEqual([49152, 65535]);
  expect(ephemeralRange(() => "garbage")).toEqual([32768, 60999]);
  expect(ephemeralRange(() => "60999 32768")).toEqual([32768, 60999]);
  expect(
    ephemeralRange(() => {
      throw new Error("ENOENT");
    }),
  ).toEqual([32768, 60999]);
});

it("hands out a block of free ports outside the ephemeral range, passing over a block with a taken port", async () => {
  // A port of the first block tried is taken: its block is passed over for the next one drawn.
  const ephemeral = [32768, 60999] as const;
  const starts = listenBlockStarts(ephemeral, 3)!;
  const draws = [0.25, 0.75];
  const firstTried = starts.first + Math.floor(draws[0]! * (starts.last - starts.first + 1));
  const blocker = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    blocker.once("error", () => resolve(false));
    blocker.listen(firstTried + 1, HOST, () => resolve(true));
  });
  onTestFinished(() => new Promise<void>((resolve) => (bound ? blocker.close(() => resolve()) : resolve())));
  let drawn = 0;
  const ports = await freeListenPorts(HOST, 3, { ephemeral, random: () => draws[Math.min(drawn++, draws.length - 1)]! });
  expect(ports).toHaveLength(3);
  expect(ports[1]! - ports[0]!).toBe(1);
  expect(ports.every((p) => p >= 20000 && p < ephemeral[0])).toBe(true);
  expect(ports[0]).not.toBe(firstTried);
  expect(await findTakenPorts(HOST, { worker: ports[0]!, vm: ports[1]!, twilio: ports[2]! })).toEqual([]);
});
