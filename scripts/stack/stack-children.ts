// The local stack's children and where they listen: their names, ports and URLs, and what each
// one runs (ChildSpec). Shared by the plan (stack-plan.ts) and the pieces it composes
// (machines-plan.ts, github-plan.ts), which import it and not the plan.
export const HOST = "127.0.0.1";

export type ChildName = "worker" | "vm" | "twilio" | "model" | "fly" | "telegram" | "github";
/** The Fly stand-in listens twice: its Machines API and its proxy. */
export type PortName = "worker" | "vm" | "twilio" | "model" | "flyApi" | "flyProxy" | "telegram" | "github";
export type Ports = Record<PortName, number>;

/** The contract's ports; the offline model's and the Telegram and GitHub stand-ins' are the project's choice, the Fly stand-in's its own defaults. */
export const DEFAULT_PORTS: Ports = { worker: 8787, vm: 8080, twilio: 8788, model: 8790, flyApi: 4280, flyProxy: 4281, telegram: 8791, github: 8792 };

/** The ports each child listens on, checked before anything starts. */
export const CHILD_PORTS: Record<ChildName, PortName[]> = { worker: ["worker"], vm: ["vm"], twilio: ["twilio"], model: ["model"], fly: ["flyApi", "flyProxy"], telegram: ["telegram"], github: ["github"] };

export type ChildSpec = {
  name: ChildName;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Answers 200 once the child is ready. */
  readyUrl: string;
};

export type StackUrls = Record<PortName, string>;

export function localUrls(ports: Ports): StackUrls {
  const url = (port: number) => `http://${HOST}:${port}`;
  return {
    worker: url(ports.worker), vm: url(ports.vm), twilio: url(ports.twilio), model: url(ports.model),
    flyApi: url(ports.flyApi), flyProxy: url(ports.flyProxy), telegram: url(ports.telegram), github: url(ports.github),
  };
}
