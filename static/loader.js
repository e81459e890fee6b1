// loader.js starts nnplay's page app (static/page.wasm, Go compiled to
// WebAssembly). Whatever goes wrong, it puts a readable message in the page
// instead of leaving it blank.
"use strict";
(function () {
  function show(text, isError) {
    var app = document.getElementById("app");
    var msg = document.getElementById("boot-message");
    if (!msg) {
      // The app already rendered: show the message above it.
      msg = document.createElement("p");
      msg.id = "boot-message";
      document.body.insertBefore(msg, document.body.firstChild);
    }
    msg.textContent = text;
    msg.className = isError ? "boot-error" : "";
    msg.setAttribute("role", isError ? "alert" : "status");
    if (app && isError) app.setAttribute("data-failed", "true");
  }
  function fail(what, err) {
    var reason = err && err.message ? err.message : String(err || "unknown error");
    show("nnplay could not start: " + what + " (" + reason + "). " +
      "Check that the server is running and that `make build` has been run, then reload the page.", true);
    if (window.console) console.error("nnplay loader:", what, err);
  }

  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    show("nnplay needs WebAssembly, which this browser does not support. Please use a current Chrome, Firefox, Safari or Edge.", true);
    return;
  }
  if (typeof Go !== "function") {
    fail("wasm_exec.js did not load", "missing /wasm_exec.js");
    return;
  }
  if (typeof window.vuguRender !== "function") {
    fail("vugu-render.js did not load", "missing /vugu-render.js");
    return;
  }
  // Vugu's renderer installs its helper with window.eval, which the page's
  // Content-Security-Policy blocks. vugu-render.js already installed it, so
  // a no-op is enough; anything else asked of eval is refused loudly.
  var realEval = window.eval;
  window.eval = function (src) {
    if (typeof src === "string" && src.indexOf("if(window.vuguRender)return") >= 0 && window.vuguRender) return undefined;
    return realEval(src);
  };

  // Start the training worker now, so it downloads and compiles
  // worker.wasm while page.wasm does the same, instead of after the page's
  // first render (a second or two on a slow machine). The page app takes it
  // over, with whatever it said or failed with in the meantime.
  var early = {worker: null, messages: [], errors: [], failed: null};
  try {
    if (typeof Worker === "function") {
      // It may start on MNIST at once, unless the page opens on the
      // playground (which does not need it): the test ui/route's
      // IsPlayground makes (#/playground…, #playground…, or an older link
      // with a dataset= setting).
      var h = window.location.hash.replace(/^#\/?/, "");
      var onPlayground = h === "playground" || h.indexOf("playground&") === 0 ||
        (h.indexOf("m=") !== 0 && h.split("&").some(function (p) { return p.indexOf("dataset=") === 0; }));
      early.worker = new Worker(onPlayground ? "worker.js" : "worker.js?prefetch=mnist");
      early.worker.onmessage = function (e) { early.messages.push(e); };
      early.worker.onerror = function (e) { e.preventDefault(); early.errors.push(e); };
    }
  } catch (err) {
    early.failed = err;
  }
  window.nnplayEarlyWorker = early;

  var go = new Go();
  var url = "page.wasm";
  show("Loading the app…", false);

  function instantiate() {
    if (WebAssembly.instantiateStreaming) {
      return fetch(url).then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status + " for /" + url);
        return WebAssembly.instantiateStreaming(resp, go.importObject).catch(function (err) {
          // A server that sends the wrong Content-Type breaks streaming: retry
          // with the bytes.
          if (String(err).indexOf("MIME") < 0) throw err;
          return fetch(url).then(function (r) { return r.arrayBuffer(); })
            .then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
        });
      });
    }
    return fetch(url).then(function (resp) {
      if (!resp.ok) throw new Error("HTTP " + resp.status + " for /" + url);
      return resp.arrayBuffer();
    }).then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
  }

  instantiate().then(function (result) {
    performance.mark("page.wasm compiled");
    return go.run(result.instance).then(function () {
      // main() returning means the app stopped (a Go panic ends here too).
      show("The nnplay app stopped unexpectedly (see the browser console). Reload the page to start again.", true);
    });
  }).catch(function (err) {
    fail("loading /" + url + " failed", err);
  });
})();
