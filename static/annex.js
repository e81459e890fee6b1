// annex.js loads the annex (static/annex.wasm, wasm/annex): the places
// that page.wasm leaves out, a second Go program in the page, loaded the
// first time one of them is shown. The page's Go calls
// nnplayAnnex.load(fail); the annex, once running, attaches itself to the
// page (nnplayPage.attach); fail(reason) is called when it cannot be
// loaded or stops.
"use strict";
(function () {
  var url = "annex.wasm";
  var helper = "if(window.vuguRender)return";

  // The annex's global object (what syscall/js calls js.Global()): the
  // window, but with a Vugu renderer helper of its own, since the helper
  // keeps its state in the window it is given (vugu-render.js), and with
  // the window's functions bound to it, since Go calls them with its
  // global object as this. Names that start with a capital (constructors:
  // Uint8Array, Worker, Object) are given as they are, statics and all.
  function annexGlobal() {
    var own = {};
    window.nnplayVugu(own);
    own.eval = function (src) {
      if (typeof src === "string" && src.indexOf(helper) >= 0) return undefined;
      throw new Error("the annex may not eval");
    };
    var bound = new Map();
    var global = new Proxy({}, {
      get: function (_, prop) {
        if (prop === "window" || prop === "self" || prop === "globalThis") return global;
        if (Object.prototype.hasOwnProperty.call(own, prop)) return own[prop];
        var v = window[prop];
        if (typeof v !== "function" || typeof prop !== "string" || /^[A-Z]/.test(prop)) return v;
        var b = bound.get(prop);
        if (!b || b.fn !== v) {
          b = {fn: v, bound: v.bind(window)};
          bound.set(prop, b);
        }
        return b.bound;
      },
      set: function (_, prop, value) {
        if (Object.prototype.hasOwnProperty.call(own, prop)) own[prop] = value;
        else window[prop] = value;
        return true;
      },
      has: function (_, prop) { return prop in own || prop in window; },
    });
    return global;
  }

  // run starts a Go program whose global object is global: wasm_exec.js
  // sets the object as reference 5 when the program starts.
  function run(go, instance, global) {
    var values, ids;
    Object.defineProperty(go, "_values", {
      configurable: true,
      get: function () { return values; },
      set: function (v) { v[5] = global; values = v; },
    });
    Object.defineProperty(go, "_ids", {
      configurable: true,
      get: function () { return ids; },
      set: function (m) { m.delete(globalThis); m.set(global, 5); ids = m; },
    });
    return go.run(instance);
  }

  // compile fetches and compiles annex.wasm, once: a page opened on one
  // of the annex's places starts it with page.wasm's download (below),
  // instead of after the page's Go has started.
  var compiling = null;
  function compile() {
    if (compiling) return compiling;
    compiling = fetch(url).then(function (resp) {
      if (!resp.ok) throw new Error("HTTP " + resp.status + " for /" + url);
      if (!WebAssembly.compileStreaming) return resp.arrayBuffer().then(function (b) { return WebAssembly.compile(b); });
      return WebAssembly.compileStreaming(resp).catch(function (err) {
        // A server that sends the wrong Content-Type breaks streaming:
        // retry with the bytes.
        if (String(err).indexOf("MIME") < 0) throw err;
        return fetch(url).then(function (r) { return r.arrayBuffer(); }).then(function (b) { return WebAssembly.compile(b); });
      });
    });
    compiling.catch(function () { compiling = null; }); // the next load tries again
    return compiling;
  }

  var started = false;
  window.nnplayAnnex = {
    load: function (fail) {
      if (started) return; // one annex per page
      started = true;
      var go = new Go();
      compile().then(function (module) {
        performance.mark("annex.wasm compiled");
        return WebAssembly.instantiate(module, go.importObject);
      }).then(function (instance) {
        return run(go, instance, annexGlobal()).then(function () {
          started = false;
          fail("it stopped; see the browser console");
        });
      }).catch(function (err) {
        started = false;
        if (window.console) console.error("nnplay annex:", err);
        fail(err && err.message ? err.message : String(err));
      });
    },
  };

  // A page opened on one of the annexed places (ui/route's Parse: #/data, #/learn,
  // #/inside, #/explain…, #/challenge… or a challenge link #c=…, the playground's
  // #/playground… or older links with a dataset= setting).
  var h = window.location.hash.replace(/^#/, "");
  var name = h.charAt(0) === "/" ? h.slice(1).split("&")[0] : "";
  var bare = h.replace(/^\//, "");
  if (["data", "learn", "inside", "playground", "explain", "challenge"].indexOf(name) >= 0 || h.indexOf("c=") === 0 ||
    bare === "playground" || bare.indexOf("playground&") === 0 ||
    (h.indexOf("m=") !== 0 && bare.split("&").some(function (p) { return p.indexOf("dataset=") === 0; }))) {
    compile().catch(function () {}); // load() says what went wrong
  }
})();
