// `npm run image:check`'s engine choice and commands, as data.
import { expect, it } from "vitest";
import { buildCommand, cleanupCommands, pickEngine, prepareCommand, startCommand } from "../../scripts/image/engine-plan";

const none = { docker: false, podman: false, buildah: false };

it.each([
  { name: "nothing answers", answers: none, wanted: undefined, engine: null },
  { name: "a docker client without its daemon, and buildah", answers: { ...none, buildah: true }, wanted: undefined, engine: "buildah" },
  { name: "docker first when all answer", answers: { docker: true, podman: true, buildah: true }, wanted: undefined, engine: "docker" },
  { name: "IMAGE_CHECK_ENGINE picks one that answers", answers: { docker: true, podman: true, buildah: true }, wanted: "podman", engine: "podman" },
  { name: "IMAGE_CHECK_ENGINE naming one that does not answer finds none", answers: { ...none, docker: true }, wanted: "buildah", engine: null },
])("$name", ({ answers, wanted, engine }) => {
  expect(pickEngine(answers, wanted)).toBe(engine);
});

it("builds with buildah from local storage in a chroot, keeping layers; docker and podman as they are", () => {
  const input = { tag: "t", context: "/ctx", dockerfile: "/ctx/vm/Dockerfile", baseIsLocal: true };
  expect(buildCommand("buildah", input).args).toEqual(["bud", "--isolation", "chroot", "--layers", "--pull=false", "-f", "/ctx/vm/Dockerfile", "-t", "t", "/ctx"]);
  expect(buildCommand("buildah", { ...input, baseIsLocal: false }).args).not.toContain("--pull=false");
  expect(buildCommand("docker", input)).toEqual({ command: "docker", args: ["build", "-f", "/ctx/vm/Dockerfile", "-t", "t", "/ctx"] });
});

it("starts the image on the host's network through its own start; buildah's run in a namespace of its own", () => {
  const input = { tag: "t", name: "n", env: { VM_TOKEN: "x" }, argv: ["vm-entrypoint", "node", "dist/main.cjs"] };
  expect(startCommand("podman", input)).toEqual({ command: "podman", args: ["run", "--rm", "--name", "n", "--network", "host", "-e", "VM_TOKEN=x", "t"] });
  const buildah = startCommand("buildah", input);
  expect(buildah.command).toBe("unshare");
  expect(buildah.args.slice(0, 6)).toEqual(["--mount", "--pid", "--fork", "--mount-proc", "--kill-child", "--"]);
  expect(buildah.args.slice(buildah.args.indexOf("n"))).toEqual(["n", "--", "vm-entrypoint", "node", "dist/main.cjs"]);
  expect(prepareCommand("buildah", input)?.args).toEqual(["from", "--pull=false", "--name", "n", "t"]);
  expect(prepareCommand("docker", input)).toBeNull();
});

it("removes the container; the image stays under its one tag, the next check's cache", () => {
  expect(cleanupCommands("buildah", { name: "n" }).map((c) => c.args)).toEqual([["rm", "n"]]);
  expect(cleanupCommands("docker", { name: "n" }).map((c) => c.args)).toEqual([["rm", "-f", "n"]]);
});
