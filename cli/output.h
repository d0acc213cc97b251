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

private:
    void write_all(std::string_view s);

    int fd_;
    size_t capacity_;
    std::string buf_;
    bool closed_ = false;
};

}  // namespace idx::cli
