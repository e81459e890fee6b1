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

// The page's MNIST worker (worker.js?prefetch=mnist, started by loader.js)
// begins downloading MNIST now, while worker.wasm downloads and compiles;
// Go's fetch takes these responses (wasm/worker/fetch.go) instead of asking
// again. The playground's worker and a page opened on the playground skip it.
// Each entry is a promise of {status, bytes}: the file's bytes, gunzipped by
// the browser's DecompressionStream when it can (native code, and done
// before Go needs them), else as sent.
if (self.location.search.indexOf("prefetch=mnist") >= 0 && typeof fetch === "function") {
  self.nnplayPrefetch = new Map();
  const gunzip = async (gz) => {
    if (typeof DecompressionStream !== "function" || gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b) return gz;
    try {
      const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (err) {
      return gz; // damaged: Go's reader says how
    }
  };
  for (const f of ["t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz"]) {
    const url = "/data/mnist/" + f;
    const p = fetch(url).then(async (resp) => ({
      status: resp.status,
      bytes: resp.ok ? await gunzip(new Uint8Array(await resp.arrayBuffer())) : new Uint8Array(0),
    }));
    p.catch(() => {}); // a failed prefetch is fetched again when Go asks
    self.nnplayPrefetch.set(url, p);
  }
}

try {
  importScripts("wasm_exec.js", "kernels.js");
} catch (err) {
  fail("the training worker could not load wasm_exec.js or kernels.js (" + err + ") — run make build");
  throw err;
}

(async () => {
  const go = new Go();
  nnkernels.attach(go.importObject);
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
  // Never rejects: without SIMD it resolves false and Go keeps its own kernels.
  await nnkernels.init(instance, "kernels.wasm");
  await go.run(instance);
  fail("the training worker stopped unexpectedly — reload the page");
})();
