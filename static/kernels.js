// kernels.js loads nnplay's WebAssembly SIMD kernel module (kernels.wasm)
// next to a Go program (engine/kernels, built with -tags nnsimd) and lets
// the two share the Go instance's memory. It works in a page, in a Web
// Worker (importScripts) and in Node (require).
//
// The kernel module imports Go's memory, which only exists once Go's
// instance does, while Go's instance needs its imports up front. So:
//
//   const go = new Go();
//   nnkernels.attach(go.importObject);            // before instantiating Go
//   const { instance } = await WebAssembly.instantiate(goWasm, go.importObject);
//   await nnkernels.init(instance, "kernels.wasm"); // before go.run
//   go.run(instance);
//
// attach adds tiny forwarding functions under importObject.nnkernels; init
// instantiates the kernel module on instance.exports.mem. If this engine
// has no WebAssembly SIMD, or loading fails, init resolves to false,
// nnkernels.status() says why, and Go's `available` import keeps returning
// 0, so Go computes everything in plain Go: same results, only slower.
(function (root) {
  "use strict";

  let k = null; // the kernel instance's exports once loaded
  let why = "kernels.wasm not loaded yet";

  // compileNow compiles the (small) module synchronously where the engine
  // allows it (workers, Node): an async compile queues behind the big wasm
  // modules' background compiles, which on a first visit held kernels.wasm
  // back for a quarter of a second. Null where not allowed (a page's main
  // thread refuses modules over a few KB).
  function compileNow(bytes) {
    try {
      return new WebAssembly.Module(bytes);
    } catch (err) {
      return null;
    }
  }

  function missing() {
    throw new Error("nnkernels: kernel called before the SIMD module was loaded");
  }

  const nnkernels = {
    // attach adds the nnkernels imports Go's module expects to importObject
    // and returns it. Each forwards to the kernel module's export of the
    // same name, found when called (the module is loaded later).
    attach(importObject) {
      importObject.nnkernels = {
        available: () => (k ? 1 : 0),
        gemm_work_bytes: (transA, transB, m, n, kk, alpha) =>
          k ? k.gemm_work_bytes(transA, transB, m, n, kk, alpha) : missing(),
        gemm: (transA, transB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc, work) =>
          k ? k.gemm(transA, transB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc, work) : missing(),
        adam: (w, g, m, v, n, alpha, c1, c2, eps, lambda) =>
          k ? k.adam(w, g, m, v, n, alpha, c1, c2, eps, lambda) : missing(),
        relu: (y, x, n) => (k ? k.relu(y, x, n) : missing()),
        relu_grad: (dx, x, dy, n) => (k ? k.relu_grad(dx, x, dy, n) : missing()),
        leaky_relu: (y, x, n, alpha) => (k ? k.leaky_relu(y, x, n, alpha) : missing()),
        leaky_relu_grad: (dx, x, dy, n, alpha) => (k ? k.leaky_relu_grad(dx, x, dy, n, alpha) : missing()),
        sigmoid_grad: (dx, y, dy, n) => (k ? k.sigmoid_grad(dx, y, dy, n) : missing()),
        tanh_grad: (dx, y, dy, n) => (k ? k.tanh_grad(dx, y, dy, n) : missing()),
        mul: (z, x, y, n) => (k ? k.mul(z, x, y, n) : missing()),
        bias_broadcast: (z, b, rows, kk) => (k ? k.bias_broadcast(z, b, rows, kk) : missing()),
        bias_grad: (db, dz, rows, kk) => (k ? k.bias_grad(db, dz, rows, kk) : missing()),
        sgd: (w, g, n, lr, lambda) => (k ? k.sgd(w, g, n, lr, lambda) : missing()),
        sgd_momentum: (w, g, v, n, lr, momentum, lambda, nesterov) =>
          k ? k.sgd_momentum(w, g, v, n, lr, momentum, lambda, nesterov) : missing(),
        rmsprop: (w, g, a, n, lr, rho, c, eps, lambda) =>
          k ? k.rmsprop(w, g, a, n, lr, rho, c, eps, lambda) : missing(),
        adagrad: (w, g, s, n, lr, eps, lambda) => (k ? k.adagrad(w, g, s, n, lr, eps, lambda) : missing()),
        maxpool: (x, y, argmax, n, h, w, c, kh, kw, sh, sw, padTop, padLeft, outH, outW) =>
          k ? k.maxpool(x, y, argmax, n, h, w, c, kh, kw, sh, sw, padTop, padLeft, outH, outW) : missing(),
        maxpool_grad: (dy, argmax, dx, n, imageSize, perImage) =>
          k ? k.maxpool_grad(dy, argmax, dx, n, imageSize, perImage) : missing(),
      };
      return importObject;
    },

    // init loads the kernel module onto the Go instance's memory. source is
    // a URL (page or worker), a Response, the bytes (ArrayBuffer or typed
    // array; what Node passes) or a compiled WebAssembly.Module. Resolves to
    // true when the SIMD kernels are in use, false (never rejects) when not.
    async init(goInstance, source) {
      try {
        const mem = goInstance && goInstance.exports && goInstance.exports.mem;
        if (!(mem instanceof WebAssembly.Memory)) {
          throw new Error("the Go instance exports no memory (mem)");
        }
        let mod = source;
        if (!(mod instanceof WebAssembly.Module)) {
          if (typeof mod === "string" || (typeof URL === "function" && mod instanceof URL)) {
            mod = await fetch(mod);
          }
          if (typeof Response === "function" && mod instanceof Response) {
            if (!mod.ok) throw new Error("HTTP " + mod.status + " for " + mod.url);
            mod = await mod.arrayBuffer();
          }
          // validate is how we learn whether this engine has SIMD: the
          // module uses f32x4 instructions, so it is invalid without them.
          if (!WebAssembly.validate(mod)) {
            throw new Error("this WebAssembly engine does not support SIMD (kernels.wasm does not validate)");
          }
          mod = compileNow(mod) || (await WebAssembly.compile(mod));
        }
        const inst = await WebAssembly.instantiate(mod, { env: { mem: mem } });
        k = inst.exports;
        why = "";
        return true;
      } catch (err) {
        k = null;
        why = (err && err.message) || String(err);
        return false;
      }
    },

    // status is "simd" when the kernels are loaded, else the reason they
    // are not.
    status() {
      return k ? "simd" : why;
    },
  };

  root.nnkernels = nnkernels;
  if (typeof module === "object" && module.exports) module.exports = nnkernels;
})(typeof globalThis !== "undefined" ? globalThis : self);
