/**
 * Binaryen for the CommonJS build (tsup.config.ts aliases "binaryen" to this file there).
 *
 * binaryen.js is an ES module with top-level await, which `require` refuses
 * (ERR_REQUIRE_ASYNC_MODULE). The translator's modules are loaded on demand by enableTranslator
 * (src/translator-tier.ts), which first loads the real module with a dynamic `import()` and hands it
 * over here with provideBinaryen; they then read it through this forwarding object, at their module
 * initialisation and later.
 */
let loaded: Record<PropertyKey, unknown> | undefined;

export function provideBinaryen(module: unknown): void {
  loaded = module as Record<PropertyKey, unknown>;
}

const binaryen = new Proxy({} as Record<PropertyKey, unknown>, {
  get(_, key) {
    if (loaded === undefined) throw new Error("warp86: Binaryen used before enableTranslator loaded it");
    return loaded[key];
  },
});

export default binaryen;
