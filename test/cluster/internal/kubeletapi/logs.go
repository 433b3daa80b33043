package kubeletapi

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// logs serves a container's log file; follow keeps the response open until the container stops or the client
// goes away. Supports the query parameters the API server passes: follow, previous, tailLines, limitBytes.
func (h handlers) logs(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	path, running, err := h.pods.LogPath(r.PathValue("namespace"), r.PathValue("pod"), r.PathValue("container"), query.Get("previous") == "true")
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	file, err := os.Open(path)
	if err != nil {
		http.Error(w, fmt.Sprintf("open log %s: %v", path, err), http.StatusInternalServerError)
		return
	}
	defer file.Close()
	if tail, err := strconv.Atoi(query.Get("tailLines")); err == nil {
		if err := seekToLastLines(file, tail); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	var out io.Writer = w
	if limit, err := strconv.ParseInt(query.Get("limitBytes"), 10, 64); err == nil {
		out = &limitedWriter{w: w, left: limit}
	}
	w.Header().Set("Content-Type", "text/plain")
	flusher, _ := w.(http.Flusher)
	for {
		if _, err := io.Copy(out, file); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		if query.Get("follow") != "true" || !running() {
			_, _ = io.Copy(out, file)
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// seekToLastLines positions file at the start of its last n lines.
func seekToLastLines(file *os.File, n int) error {
	var offsets []int64
	var offset int64
	reader := bufio.NewReader(file)
	for {
		line, err := reader.ReadBytes('\n')
		if len(line) > 0 {
			offsets = append(offsets, offset)
			offset += int64(len(line))
		}
		if err != nil {
			break
		}
	}
	start := int64(0)
	if n < len(offsets) {
		start = offsets[len(offsets)-n]
	}
	if n == 0 {
		start = offset
	}
	_, err := file.Seek(start, io.SeekStart)
	return err
}

type limitedWriter struct {
	w    io.Writer
	left int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}
