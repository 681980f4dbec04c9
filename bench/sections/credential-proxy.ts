// The VM's credential proxy: what it adds to each model request (bench/credential-proxy/measure.ts).
import type { Section, SectionOutcome } from "../lib/section";

export const credentialProxySection: Section = {
  name: "credential-proxy",
  title: "agent VM's credential proxy: added latency per model request and TTFB vs direct (p50)",
  async run({ quick, log }): Promise<SectionOutcome> {
    log("credential-proxy: the offline model direct and through the proxy, interleaved");
    const { default: measure } = await import("../credential-proxy/measure");
    const { figures, ...details } = await measure({ quick });
    return { status: "ok", figures, details };
  },
};
