// nnplay training worker bootstrap: loads Go's wasm_exec.js and runs
// worker.wasm (wasm/worker) in this Web Worker. Messages that arrive before
// Go is running are kept in self.nnplayPending; Go handles them first.
"use strict";
self.nnplayPending = [];
self.onmessage = (e) => self.nnplayPending.push(e.data);

function fail(message) {
  self.postMessage(JSON.stringify({ type: "error", data: { message: message, fatal: true } }));
}

try {
  importScripts("wasm_exec.js");
} catch (err) {
  fail("the training worker could not load wasm_exec.js (" + err + ") — run make build");
  throw err;
}

(async () => {
  const go = new Go();
  let instance;
  try {
    const resp = await fetch("worker.wasm");
    if (!resp.ok) {
      throw new Error("worker.wasm: HTTP " + resp.status + " — run make build");
    }
    ({ instance } = await WebAssembly.instantiateStreaming(resp, go.importObject));
  } catch (err) {
    fail("the training worker failed to start: " + err.message);
    return;
  }
  await go.run(instance);
  fail("the training worker stopped unexpectedly — reload the page");
})();
