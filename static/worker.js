// nnplay training worker bootstrap: loads Go's wasm_exec.js and the SIMD
// kernel glue (kernels.js), and runs worker.wasm (wasm/worker) in this Web
// Worker, with kernels.wasm attached to its memory when the browser has
// WebAssembly SIMD (otherwise the engine's pure-Go kernels run). Messages that arrive before
// Go is running are kept in self.nnplayPending; Go handles them first.
"use strict";
self.nnplayPending = [];
self.onmessage = (e) => self.nnplayPending.push(e.data);

function fail(message) {
  self.postMessage(JSON.stringify({ type: "error", data: { message: message, fatal: true } }));
}

try {
  importScripts("wasm_exec.js", "kernels.js");
} catch (err) {
  fail("the training worker could not load wasm_exec.js or kernels.js (" + err + ") — run make build");
  throw err;
}

// Ask for both wasm modules before MNIST: the browser opens only a few
// connections to one server, and the worker needs these first.
const workerWasm = fetch("worker.wasm");
const kernelsWasm = fetch("kernels.wasm").catch(() => "kernels.wasm"); // init fetches again and says why

// The page's MNIST worker (worker.js?prefetch=mnist, started by loader.js)
// begins downloading MNIST now, while worker.wasm downloads and compiles;
// Go's fetch takes these responses (wasm/worker/fetch.go) instead of asking
// again. The playground's worker and a page opened on the playground skip
// it. The files come uncompressed, as the browser inflates them (the
// server sends each idx file's .gz as its gzip encoding). Each entry is a
// promise of {status, bytes}.
if (self.location.search.indexOf("prefetch=mnist") >= 0 && typeof fetch === "function") {
  self.nnplayPrefetch = new Map();
  for (const f of ["t10k-labels-idx1-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "train-images-idx3-ubyte"]) {
    const url = "/data/mnist/" + f;
    const p = fetch(url).then(async (resp) => ({
      status: resp.status,
      bytes: resp.ok ? new Uint8Array(await resp.arrayBuffer()) : new Uint8Array(0),
    }));
    p.catch(() => {}); // a failed prefetch is fetched again when Go asks
    self.nnplayPrefetch.set(url, p);
  }
}

(async () => {
  const go = new Go();
  nnkernels.attach(go.importObject);
  let instance;
  try {
    const resp = await workerWasm;
    if (!resp.ok) {
      throw new Error("worker.wasm: HTTP " + resp.status + " — run make build");
    }
    ({ instance } = await WebAssembly.instantiateStreaming(resp, go.importObject));
    performance.mark("worker.wasm compiled");
  } catch (err) {
    fail("the training worker failed to start: " + err.message);
    return;
  }
  // Never rejects: without SIMD it resolves false and Go keeps its own kernels.
  await nnkernels.init(instance, await kernelsWasm);
  performance.mark("kernels.wasm attached");
  await go.run(instance);
  fail("the training worker stopped unexpectedly — reload the page");
})();
