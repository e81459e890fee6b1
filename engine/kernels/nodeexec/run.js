// run.js is go_js_wasm_exec's Node side: Go's wasm_exec_node.js plus the
// SIMD kernel module (see go_js_wasm_exec for the environment it reads).
"use strict";

const fs = require("fs");
const path = require("path");

if (process.argv.length < 3) {
  console.error("usage: go_js_wasm_exec [wasm binary] [arguments]");
  process.exit(1);
}

// The globals wasm_exec.js expects in Node, as GOROOT's wasm_exec_node.js sets them.
globalThis.require = require;
globalThis.fs = fs;
globalThis.path = path;
globalThis.TextEncoder = require("util").TextEncoder;
globalThis.TextDecoder = require("util").TextDecoder;
globalThis.performance ??= require("perf_hooks").performance;
globalThis.crypto ??= require("crypto");

require(process.env.NNPLAY_WASM_EXEC_JS);
const repo = path.resolve(__dirname, "..", "..", "..");
const nnkernels = require(path.join(repo, "static", "kernels.js"));

const mode = process.env.NNPLAY_KERNELS || "simd";
if (mode !== "simd" && mode !== "go") {
  console.error(`go_js_wasm_exec: NNPLAY_KERNELS=${mode}: want simd or go`);
  process.exit(1);
}

async function main() {
  const go = new Go();
  go.argv = process.argv.slice(2);
  go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env, { NNPLAY_KERNELS: mode });
  go.exit = process.exit;
  nnkernels.attach(go.importObject);
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject);
  if (mode === "simd") {
    const file = process.env.NNPLAY_KERNELS_WASM || path.join(repo, "static", "kernels.wasm");
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: run make kernels`);
    }
    if (!(await nnkernels.init(instance, fs.readFileSync(file)))) {
      throw new Error(`loading ${file}: ${nnkernels.status()}`);
    }
  }
  process.on("exit", (code) => { // Node exits if no event handler is pending
    if (code === 0 && !go.exited) {
      // deadlock: make Go print the error and stack traces
      go._pendingEvent = { id: 0 };
      go._resume();
    }
  });
  await go.run(instance);
}

main().catch((err) => {
  console.error("go_js_wasm_exec:", err && err.message ? err.message : err);
  process.exit(1);
});
