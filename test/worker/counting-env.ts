// The Worker's own environment with its two Durable Object namespaces wrapped so that every use is
// counted: each namespace call (idFromName, get…) and each call on a stub it hands out. The objects
// behind them are the real ones; nothing of the relay's code is replaced.
import { env } from "cloudflare:workers";

export type Counted = { calls: string[] };

function countingStub<T extends object>(name: string, stub: T, counted: Counted): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== "function" || prop === "then") return value;
      return (...args: unknown[]) => {
        counted.calls.push(`${name}.${String(prop)}()`);
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });
}

function countingNamespace<T extends object>(name: string, namespace: T, counted: Counted): T {
  return new Proxy(namespace, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counted.calls.push(`${name}.${String(prop)}`);
        const result = Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        return prop === "get" || prop === "getByName" ? countingStub(name, result as object, counted) : result;
      };
    },
  });
}

/** `env` (with `overrides`), its PHONE_AGENT and USER_DIRECTORY counted in `counted.calls`. */
export function countingEnv(overrides: Partial<Env> = {}): { env: Env; counted: Counted } {
  const counted: Counted = { calls: [] };
  const wrapped = { ...env, ...overrides, PHONE_AGENT: countingNamespace("PHONE_AGENT", env.PHONE_AGENT, counted), USER_DIRECTORY: countingNamespace("USER_DIRECTORY", env.USER_DIRECTORY, counted) } as Env;
  return { env: wrapped, counted };
}
