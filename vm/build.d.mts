// Types for build.mjs's export, for the test that bundles with the same options.
import type { BuildOptions } from "esbuild";
export declare const bundleOptions: BuildOptions;
