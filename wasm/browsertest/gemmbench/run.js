// Starts gemm.wasm the way static/worker.js starts the worker: Go's
// wasm_exec.js, with kernels.wasm attached to Go's memory. The settings
// come from the query string: ?backend=simd|go&reps=N&windows=N.
"use strict";
(async () => {
  const q = new URLSearchParams(location.search);
  globalThis.nnGemmConfig = {
    backend: q.get("backend") || "simd",
    reps: Number(q.get("reps") || 100),
    windows: Number(q.get("windows") || 3),
  };
  try {
    const go = new Go();
    nnkernels.attach(go.importObject);
    const { instance } = await WebAssembly.instantiateStreaming(fetch("gemm.wasm"), go.importObject);
    await nnkernels.init(instance, "/kernels.wasm");
    await go.run(instance);
  } catch (err) {
    globalThis.nnGemmError = "gemmbench: " + err;
  }
  document.getElementById("status").textContent = globalThis.nnGemmError || "done";
})();
