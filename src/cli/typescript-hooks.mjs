/**
 * Module hooks that let Node run the project's TypeScript sources directly (registered by
 * run-typescript.mjs): `./x.js` imports resolve to `./x.ts` when only the .ts exists, and .ts files
 * are stripped of their types by esbuild, as tsup does for the npm build. (tsx would do this too,
 * but it compiles with keepNames, which wraps every closure creation in a defineProperty call and
 * slows the interpreter's hot paths: benchmarks must measure the code as it ships.)
 */
import { transform } from "esbuild";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export async function resolve(specifier, context, nextResolve) {
  if (specifier.endsWith(".js") && (specifier.startsWith(".") || specifier.startsWith("/")) && context.parentURL?.startsWith("file:")) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) {
      const typescript = new URL(url.href.slice(0, -3) + ".ts");
      if (existsSync(fileURLToPath(typescript))) return { url: typescript.href, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, "utf8");
  const result = await transform(source, { loader: "ts", format: "esm", target: "node20", sourcemap: "inline", sourcefile: path });
  return { format: "module", source: result.code, shortCircuit: true };
}
