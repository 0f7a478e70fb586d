import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "node20",
    external: ["binaryen"],
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
