import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm"],
    dts: true,
    target: "node20",
    external: ["binaryen"],
    define: { WARP86_COMMONJS: "false" },
  },
  {
    // Binaryen is an ES module with top-level await, which require() refuses: the CommonJS build
    // reaches it through src/commonjs/binaryen.ts, filled by enableTranslator with a dynamic import.
    entry: { index: "src/index.ts" },
    format: ["cjs"],
    dts: true,
    target: "node20",
    define: { WARP86_COMMONJS: "true" },
    noExternal: ["binaryen"],
    esbuildOptions(options) {
      options.alias = { binaryen: "./src/commonjs/binaryen.ts" };
    },
    // import.meta.url in the CommonJS build too: the background compiler finds its worker by it.
    shims: true,
  },
  {
    // The background compiler's worker (translator/backend/compile-worker.ts), next to index.js.
    entry: { "compile-worker": "translator/backend/compile-worker.ts" },
    format: ["esm"],
    target: "node20",
    external: ["binaryen"],
  },
  {
    // The CLI uses top-level await: ESM only.
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    target: "node20",
    external: ["binaryen"],
  },
]);
