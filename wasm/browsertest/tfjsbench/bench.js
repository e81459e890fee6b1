// TensorFlow.js side of nnplay's browser benchmarks (make bench). The Go
// benchmark calls nnTFJSBench.start(config) and polls nnTFJSBench.result:
//
//   config: {backend: "cpu"|"wasm", model: "mlp"|"lenet"|"gemm",
//            batch, warmup, window, windows, threads (wasm; 1 if absent)}
//   result: {rates: [samples/s or GFLOP/s per window], version, backend,
//            simd, threads} or {error: "..."}
//
// mlp and lenet are nnplay's seed MLP (784-128-64-10) and spec.LeNet(),
// trained with model.fit as a TF.js user would: Adam 0.001, sparse
// categorical cross-entropy, accuracy, batch `batch`, on the first MNIST
// training images. Each batch's end is timestamped (onBatchEnd); after
// `warmup` batches, each window of `window` batches gives samples/s.
// gemm times tf.matMul at 128×784×128 (`window` calls a window).
"use strict";
(function () {
  const bench = { result: null };
  window.nnTFJSBench = bench;

  // gunzip fetches a .gz file and inflates it in the browser.
  async function gunzip(url) {
    const resp = await fetch(url);
    if (!resp.ok) throw new Error(url + ": HTTP " + resp.status + " (run make data)");
    const stream = resp.body.pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // mnist returns the first n training images (scaled to [0,1]) and labels.
  async function mnist(n) {
    const images = await gunzip("/data/mnist/train-images-idx3-ubyte.gz");
    const labels = await gunzip("/data/mnist/train-labels-idx1-ubyte.gz");
    const x = new Float32Array(n * 784);
    for (let i = 0; i < x.length; i++) x[i] = images[16 + i] / 255;
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = labels[8 + i];
    return { x, y };
  }

  function model(kind) {
    const m = tf.sequential();
    if (kind === "mlp") {
      m.add(tf.layers.dense({ inputShape: [784], units: 128, activation: "relu" }));
      m.add(tf.layers.dense({ units: 64, activation: "relu" }));
    } else {
      m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: "same", activation: "relu" }));
      m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu" }));
      m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.dense({ units: 120, activation: "relu" }));
      m.add(tf.layers.dense({ units: 84, activation: "relu" }));
    }
    m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    m.compile({ optimizer: tf.train.adam(0.001), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    return m;
  }

  async function useBackend(name, threads) {
    if (name === "wasm") {
      tf.wasm.setWasmPaths("node_modules/@tensorflow/tfjs-backend-wasm/dist/");
      if (threads > 1) {
        // Its threads need a cross-origin isolated page (index.html under
        // the benchmark's isolated prefix).
        tf.wasm.setThreadsCount(threads);
      } else {
        // One thread, as nnplay's single worker (and the page is not
        // cross-origin isolated, so threads could not start anyway).
        tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      }
    }
    if (!(await tf.setBackend(name))) throw new Error("TF.js backend " + name + " did not start");
    await tf.ready();
  }

  async function fitRates(c) {
    const batches = c.warmup + c.window * c.windows;
    const n = batches * c.batch;
    const data = await mnist(n);
    const shape = c.model === "mlp" ? [n, 784] : [n, 28, 28, 1];
    const x = tf.tensor(data.x, shape);
    const y = tf.tensor2d(data.y, [n, 1]);
    const m = model(c.model);
    const ends = [];
    let start = 0;
    await m.fit(x, y, {
      batchSize: c.batch, epochs: 1, shuffle: true, yieldEvery: "never",
      callbacks: {
        onTrainBegin: () => { start = performance.now(); },
        onBatchEnd: () => { ends.push(performance.now()); },
      },
    });
    tf.dispose([x, y]);
    m.dispose();
    if (ends.length !== batches) throw new Error("fit ran " + ends.length + " batches, want " + batches);
    const at = (b) => (b === 0 ? start : ends[b - 1]); // time when batch b (0-based) starts
    const rates = [];
    for (let j = 0; j < c.windows; j++) {
      const from = c.warmup + j * c.window;
      rates.push((c.window * c.batch) / ((at(from + c.window) - at(from)) / 1000));
    }
    return rates;
  }

  function gemmRates(c) {
    const a = tf.randomUniform([128, 784], -1, 1, "float32", 1);
    const b = tf.randomUniform([784, 128], -1, 1, "float32", 2);
    const flops = 2 * 128 * 784 * 128 * c.window;
    const rates = [];
    for (let j = -1; j < c.windows; j++) { // window -1 warms up
      const t0 = performance.now();
      for (let i = 0; i < c.window; i++) {
        const p = tf.matMul(a, b);
        p.dataSync();
        p.dispose();
      }
      if (j >= 0) rates.push(flops / ((performance.now() - t0) / 1000) / 1e9);
    }
    tf.dispose([a, b]);
    return rates;
  }

  bench.start = (c) => {
    bench.result = null;
    (async () => {
      try {
        await useBackend(c.backend, c.threads || 1);
        const rates = c.model === "gemm" ? gemmRates(c) : await fitRates(c);
        bench.result = {
          rates: rates,
          version: tf.version.tfjs,
          backend: tf.getBackend(),
          simd: c.backend === "wasm" ? await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") : false,
          threads: c.backend === "wasm" ? await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT") : false,
        };
      } catch (err) {
        bench.result = { error: String((err && err.stack) || err) };
      }
      document.getElementById("status").textContent = bench.result.error ? "error" : "done";
    })();
    return true;
  };
})();
