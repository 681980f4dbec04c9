// The part of `node:crypto` the GitHub stand-in's signWebhook uses, which the workerd tests (and
// test/core, under the Workers' types) import to sign deliveries: workerd serves it (nodejs_compat).
declare module "node:crypto" {
  export function createHmac(algorithm: "sha256", key: string): { update(data: string | Uint8Array): { digest(encoding: "hex"): string } };
}
