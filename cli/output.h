// Output: buffered writes to a file descriptor. A closed pipe (EPIPE) ends
// output quietly, as with ripgrep piped into `head`.
#pragma once

#include <unistd.h>

#include <string>
#include <string_view>

namespace idx::cli {

// Where a command writes. A lookup that idx watch runs for a client writes
// to that client's stdout and stderr (cli/lookup_channel.h).
struct Streams {
    int out = STDOUT_FILENO;
    int err = STDERR_FILENO;
    // For such a lookup: output ends when either becomes readable (the
    // client's socket closing, the server stopping). -1: none.
    int hangup = -1;
    int stop = -1;
};

// `line` and a newline, in one write().
void write_line(int fd, std::string_view line);

class Output {
public:
    explicit Output(int fd, size_t capacity = 1 << 16) : fd_(fd), capacity_(capacity) { buf_.reserve(capacity); }
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;
    ~Output() { flush(); }

    void write(std::string_view s) {
        if (buf_.size() + s.size() > capacity_) flush();
        if (s.size() > capacity_) {
            write_all(s);
        } else {
            buf_.append(s);
        }
    }
    void flush() {
        write_all(buf_);
        buf_.clear();
    }
    // The reader went away (EPIPE); callers may stop producing.
    bool closed() const { return closed_; }
    // Ends output (as if closed) as soon as `a` or `b` is readable (-1:
    // none), and until then waits for room before each write of at most a
    // pipe buffer's page, so that a reader that stops reading cannot hold
    // the writer forever once the client is gone or the server stops.
    void end_when_readable(int a, int b) {
        cancel_[0] = a;
        cancel_[1] = b;
    }

private:
    void write_all(std::string_view s);

    int fd_;
    size_t capacity_;
    std::string buf_;
    bool closed_ = false;
    int cancel_[2] = {-1, -1};
};

}  // namespace idx::cli
