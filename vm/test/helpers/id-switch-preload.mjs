// The id-switch guard (id-switch-guard.ts) for a VM in a child process, loaded with `node
// --import` before the server (under tsx or as the image's bundle, which has no TypeScript
// loader: so plain JavaScript). Each of Node's id switches is replaced by one that writes a
// marked line to stderr and throws; the test reads the lines from the child's output
// (vm-child.ts: `idSwitches()`), so a switch the server caught still fails it.
const MARK = "vm-test: id switch attempted:";
for (const name of ["seteuid", "setegid", "setgroups", "setuid", "setgid", "initgroups"]) {
  if (typeof process[name] !== "function") continue;
  Object.defineProperty(process, name, {
    configurable: true,
    writable: true,
    value: (...args) => {
      const call = `process.${name}(${args.map((a) => JSON.stringify(a)).join(", ")})`;
      process.stderr.write(`${MARK} ${call}\n`);
      throw new Error(`${call}: the VM server must never switch its own ids (see vm/src/users/as-user.ts)`);
    },
  });
}
