// Build the partial plotly.js bundle the site ships (make plotly-bundle; see CONTRIBUTING.md).
//
// usage: node scripts/plotly-bundle/build.mjs <folder with node_modules from `npm ci`> <output folder>
//
// The bundle is plotly.js/lib/core with only the trace types in TRACES registered (the way plotly.js
// documents partial bundles: require('plotly.js/lib/core') + Plotly.register([...])), built with the
// esbuild options plotly.js uses for its own dist (esbuild-config.js): IIFE exposing `Plotly`,
// target es2016, `global` -> window. CSS imports are dropped: the only one, maplibre-gl's, belongs to
// the map subplot, which no registered trace uses. Writes plotly-supportlens.min.js and
// plotly-supportlens.json (versions, traces, sha256) that tests/test_plotly_bundle.py reads.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// Every trace type a chart in src/supportlens/charts uses (scatter is in core anyway).
const TRACES = ["bar", "box", "heatmap", "sankey", "scatter"];

const [work, out] = process.argv.slice(2).map((p) => path.resolve(p));
if (!work || !out) throw new Error("usage: node build.mjs <npm folder> <output folder>");
const require = createRequire(path.join(work, "package.json"));
const esbuild = require("esbuild");
const plotlyVersion = require("plotly.js/package.json").version;
const esbuildVersion = require("esbuild/package.json").version;

// plotly.js's own licence header, as its dist files carry it
const dist = readFileSync(require.resolve("plotly.js/dist/plotly.min.js"), "utf8");
const header = dist.slice(0, dist.indexOf("*/") + 2);
if (!header.startsWith("/**") || !header.includes(`v${plotlyVersion}`)) throw new Error("unexpected plotly.js dist header");

const entry = [
  "var Plotly = require('plotly.js/lib/core');",
  "Plotly.register([",
  ...TRACES.filter((t) => t !== "scatter").map((t) => `  require('plotly.js/lib/${t}'),`),
  "]);",
  "module.exports = Plotly;",
].join("\n");

const result = await esbuild.build({
  stdin: { contents: entry, resolveDir: work, sourcefile: "plotly-supportlens-entry.js" },
  bundle: true,
  format: "iife",
  globalName: "Plotly",
  minify: true,
  target: "es2016",
  define: { global: "window", "define.amd": "false" },
  alias: { stream: "stream-browserify" },
  loader: { ".css": "empty" },
  legalComments: "eof",
  banner: {
    js: `${header}\n/* Partial bundle for supportlens: plotly.js/lib/core + traces ${TRACES.join(", ")}.\n` +
        `   Built with esbuild ${esbuildVersion} by scripts/plotly-bundle/build.mjs (make plotly-bundle). */`,
  },
  write: false,
  logLevel: "warning",
});
const code = result.outputFiles[0].contents;
writeFileSync(path.join(out, "plotly-supportlens.min.js"), code);
const manifest = {
  "plotly.js": plotlyVersion,
  esbuild: esbuildVersion,
  traces: [...TRACES].sort(),
  bytes: code.length,
  sha256: createHash("sha256").update(code).digest("hex"),
};
writeFileSync(path.join(out, "plotly-supportlens.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`plotly-supportlens.min.js: plotly.js ${plotlyVersion}, traces ${manifest.traces.join(", ")}, ` +
            `${(code.length / 1024).toFixed(0)} KiB, sha256 ${manifest.sha256.slice(0, 12)}`);
