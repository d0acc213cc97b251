// SseParser: an incremental parser of Server-Sent Events (the WHATWG
// EventSource rules), for the streamed replies of LLM APIs.
//
// Bytes go in with feed() in chunks split anywhere (inside a line, inside a
// CRLF pair, inside a UTF-8 sequence); complete events come out through the
// callback, in order, before feed() returns. The parser is bounded because
// the server may be hostile or broken: a line over `max_line_bytes` or more
// than `max_buffered_bytes` held for one event fails the stream instead of
// growing without limit.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace idx::agent {

struct SseEvent {
    std::string event;  // the `event:` field; empty means the default, "message"
    std::string data;   // the `data:` lines joined with '\n'
    std::string id;     // the last `id:` field seen (kept across events, as in EventSource)
    // The value of a non-standard `error:` field. llama.cpp builds before
    // late 2025 send mid-stream errors this way; the spec would drop them and
    // the client would then see a bare [DONE] and report success.
    std::string error;
};

struct SseLimits {
    size_t max_line_bytes = size_t{8} << 20;       // one line, terminator excluded
    size_t max_buffered_bytes = size_t{64} << 20;  // the pending line plus the event being built
};

class SseParser {
public:
    // Receives each dispatched event; the reference is valid only during the
    // call. Returning false stops the parser: the rest of the current chunk
    // and all later input are ignored (see stopped()).
    using Callback = std::function<bool(const SseEvent&)>;

    explicit SseParser(Callback on_event, SseLimits limits = {});

    // Parses more of the stream. After an error every later call returns it.
    Expected<void> feed(std::string_view bytes);

    // The stream ended. A final line without a terminator is processed; an
    // event without its blank line is dropped, as the spec says, except a
    // lone `data: [DONE]` (llama.cpp may close right after it), which is
    // dispatched.
    Expected<void> finish();

    bool stopped() const noexcept { return stopped_; }
    // Events dispatched so far; 0 at the end tells "not an event stream".
    size_t events() const noexcept { return events_; }

private:
    Expected<void> fail(std::string message);
    void process_line(std::string_view line);
    void dispatch();

    Callback on_event_;
    SseLimits limits_;
    std::string line_;         // the incomplete line carried over between feeds
    SseEvent pending_;         // the event being built
    bool has_data_ = false;    // a data field was seen (data may still be empty)
    bool after_cr_ = false;    // the last line ended with '\r': a following '\n' belongs to it
    bool first_line_ = true;   // a UTF-8 BOM is stripped from the first line only
    bool stopped_ = false;
    size_t events_ = 0;
    Error error_;
    bool failed_ = false;
};

}  // namespace idx::agent
