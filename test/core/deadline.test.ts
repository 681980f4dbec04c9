// A call's deadline: it aborts a call that outlives it with a TimeoutError (as AbortSignal.timeout
// does), and its timer goes with the call, so nothing keeps a Durable Object busy afterwards. The
// Twilio client is the case that showed it: a graceful eviction waited 15 s after every reply. The
// VM's control calls had none at all: a VM that took a cancel and never answered held the pump.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { withDeadline } from "../../src/shared/deadline";
import { createTwilioClient } from "../../src/channels/whatsapp/twilio-client";
import { createVmClient } from "../../src/machines/vm-client";

beforeEach(() => {
  vi.useFakeTimers();
  // AbortSignal.timeout as workerd runs it: a timer of its whole length, whatever became of the
  // call (Node's own is invisible to fake timers, so a client still using it would pass unseen).
  vi.spyOn(AbortSignal, "timeout").mockImplementation((ms) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), ms);
    return controller.signal;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A call that ends only when its signal aborts, with the signal's reason. */
const hangs = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));

describe("withDeadline", () => {
  it("a call that settles in time keeps its answer or its error, and leaves no timer", async () => {
    await expect(withDeadline(1_000, async () => "answer")).resolves.toBe("answer");
    await expect(withDeadline(1_000, async () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a call that outlives it is aborted with a TimeoutError at the deadline, not before", async () => {
    let aborted = false;
    const call = withDeadline(1_000, (signal) => (signal.addEventListener("abort", () => (aborted = true)), hangs(signal)));
    const outcome = call.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(999);
    expect(aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({ name: "TimeoutError" });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("the Twilio client's calls", () => {
  const conn = { accountSid: `AC${"0".repeat(32)}`, authToken: "token", from: "whatsapp:+14155238886", apiBase: "https://api.twilio.test", messagingApiBase: "https://messaging.twilio.test" };

  it("a message sent leaves no timer behind", async () => {
    const client = createTwilioClient(conn, async () => Response.json({ sid: `SM${"1".repeat(32)}`, status: "queued" }, { status: 201 }));
    await expect(client.sendMessage({ to: "+15550002301", body: "hello" })).resolves.toEqual({ ok: true, sid: `SM${"1".repeat(32)}` });
    await expect(client.sendTyping(`SM${"2".repeat(32)}`)).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a call Twilio never answers ends at 15 s as a timeout, to be retried (Twilio may hold it: looked up first)", async () => {
    const client = createTwilioClient(conn, (_input, init) => hangs(init!.signal!));
    const sent = client.sendMessage({ to: "+15550002301", body: "hello" });
    await vi.advanceTimersByTimeAsync(15_000);
    await expect(sent).resolves.toEqual({ ok: false, retryable: true, errorCode: "timeout", maybeTaken: true });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("the VM client's control calls", () => {
  const hanging = () => createVmClient({ vmUrl: "http://vm.internal:8080", vmToken: "t" }, (_input, init) => hangs(init!.signal!));
  it.each([
    ["a turn's input", (vm: ReturnType<typeof hanging>) => vm.input("run-1", [{ id: "SM1", text: "and the tests?" }])],
    ["a cancel", (vm: ReturnType<typeof hanging>) => vm.cancel("run-1")],
    ["a tool's result", (vm: ReturnType<typeof hanging>) => vm.toolResult("run-1", { callId: "call-1", ok: true, text: "sent" })],
    ["an approval's answer", (vm: ReturnType<typeof hanging>) => vm.approval("run-1", { requestId: "req-1", decision: "allow" })],
    ["health", (vm: ReturnType<typeof hanging>) => vm.health()],
    ["a workspace's removal", (vm: ReturnType<typeof hanging>) => vm.deleteWorkspace("+15550002301", "api")],
    ["an approval rules' removal", (vm: ReturnType<typeof hanging>) => vm.forgetApprovalRules("+15550002301", "api")],
  ])("%s the VM never answers ends at 30 s as unreachable, with no timer left", async (_name, callOf) => {
    const outcome = callOf(hanging());
    let settled = false;
    void outcome.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toMatchObject({ ok: false, failure: "unreachable" });
    expect(vi.getTimerCount()).toBe(0);
  });
});
