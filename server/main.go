// Command server serves nnplay's static/ directory on localhost:
//
//	go run ./server                         # http://127.0.0.1:8080/
//	go run ./server -addr 127.0.0.1:9000 -dir static
//	go run ./server -precompress static     # write .br/.gz beside the build outputs, then exit
//
// The handler itself lives in package site, so browser tests can mount it with httptest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nnplay/nnplay/server/site"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `Usage: go run ./server [-addr HOST:PORT] [-dir DIR]
       go run ./server -precompress DIR

Serves the nnplay page (the files of DIR) until Ctrl-C or SIGTERM.

`

// Timeouts. The header timeout stops a client that opens a connection and trickles a request;
// the idle timeout closes kept-alive connections nobody uses. There is deliberately no write
// timeout: a slow link may take minutes to fetch a 10 MB wasm file, and that is fine.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 5 * time.Second
)

// run is the whole program, minus the process: flags in args, messages to stdout and stderr,
// ctx cancelled to stop serving. It returns the exit status: 0 after a clean stop or -h, 1 when
// the server cannot start, 2 for bad flags.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // we print usage ourselves, to the right stream
	addr := fs.String("addr", "127.0.0.1:8080", "`HOST:PORT` to listen on (port 0 picks a free one)")
	dir := fs.String("dir", "static", "`DIR` to serve; \"/\" is its index.html")
	precompress := fs.String("precompress", "", "compress `DIR`'s .wasm/.js/.html/.css files of 1 KiB or more (not DIR/data/)\n"+
		"into .br and .gz files beside them (up-to-date ones are kept), then exit")
	printUsage := func(w io.Writer) {
		fmt.Fprint(w, usage)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "nnplay: %v\n", err)
		printUsage(stderr)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "nnplay: unexpected argument %q (flags come before it? see -h)\n", fs.Arg(0))
		return 2
	}

	if *precompress != "" {
		st, err := site.Precompress(*precompress)
		if err != nil {
			fmt.Fprintf(stderr, "nnplay: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "nnplay: precompressed %s: %d files, %d variants written, %d up to date; "+
			"%d B → br %d B, gz %d B (files of 1 MiB or more: %s)\n", *precompress, st.Files, st.Written, st.UpToDate, st.Bytes, st.BrBytes, st.GzBytes, st.Brotli)
		return 0
	}

	handler, err := site.New(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "nnplay: cannot serve -dir %s: %v\n", *dir, unwrapPath(err))
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			fmt.Fprintf(stderr, "nnplay: cannot listen on %s: address already in use "+
				"(another server running? pick another port with -addr)\n", *addr)
		} else {
			fmt.Fprintf(stderr, "nnplay: cannot listen on %s: %v\n", *addr, err)
		}
		return 1
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(stdout, "nnplay: serving %s at %s\n", *dir, pageURL(ln.Addr()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served: // Serve only returns early on a listener failure
		fmt.Fprintf(stderr, "nnplay: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	// Graceful: stop accepting, let downloads in flight finish for a few seconds, then cut.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		fmt.Fprintf(stderr, "nnplay: shutdown: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "nnplay: stopped")
	return 0
}

// pageURL is the address to open in a browser. A wildcard listen address (":8080", "0.0.0.0")
// is shown as 127.0.0.1, which always reaches it.
func pageURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String() + "/"
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port)) + "/"
}

// unwrapPath drops the "site: directory ..." and "stat /abs/path" prefixes so the one-line
// message names the problem once ("no such file or directory").
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
