#include "agent/sse_parser.h"

#include <utility>

namespace idx::agent {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

SseParser::SseParser(Callback on_event, SseLimits limits) : on_event_(std::move(on_event)), limits_(limits) {}

Expected<void> SseParser::fail(std::string message) {
    failed_ = true;
    error_ = Error{ErrorKind::kCorrupt, std::move(message)};
    return error_;
}

Expected<void> SseParser::feed(std::string_view bytes) {
    if (failed_) return error_;
    size_t i = 0;
    while (i < bytes.size() && !stopped_) {
        if (after_cr_) {
            // The '\n' of a CRLF pair, possibly arriving in the next chunk.
            after_cr_ = false;
            if (bytes[i] == '\n') {
                ++i;
                continue;
            }
        }
        const size_t end = bytes.find_first_of("\r\n", i);
        if (end == std::string_view::npos) {
            // An incomplete line: refuse it as soon as it is too long rather
            // than when (if ever) its terminator arrives.
            const size_t rest = bytes.size() - i;
            if (line_.size() + rest > limits_.max_line_bytes) {
                return fail("event stream line longer than " + std::to_string(limits_.max_line_bytes) + " bytes");
            }
            if (line_.size() + rest + pending_.data.size() + pending_.error.size() > limits_.max_buffered_bytes) {
                return fail("event stream buffered more than " + std::to_string(limits_.max_buffered_bytes) +
                            " bytes for one event");
            }
            line_.append(bytes.substr(i));
            break;
        }
        std::string_view line = bytes.substr(i, end - i);
        if (line_.size() + line.size() > limits_.max_line_bytes) {
            return fail("event stream line longer than " + std::to_string(limits_.max_line_bytes) + " bytes");
        }
        if (!line_.empty()) {
            line_.append(line);
            line = line_;
        }
        after_cr_ = bytes[end] == '\r';
        i = end + 1;
        process_line(line);
        line_.clear();
        if (failed_) return error_;
    }
    return {};
}

Expected<void> SseParser::finish() {
    if (failed_) return error_;
    if (stopped_) return {};
    if (!line_.empty()) {
        const std::string last = std::move(line_);
        line_.clear();
        process_line(last);
        if (failed_) return error_;
    }
    if (!stopped_ && has_data_ && pending_.data == "[DONE]\n" && pending_.error.empty()) dispatch();
    pending_.data.clear();
    pending_.event.clear();
    pending_.error.clear();
    has_data_ = false;
    return {};
}

void SseParser::process_line(std::string_view line) {
    if (first_line_) {
        first_line_ = false;
        if (line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
    }
    if (line.empty()) {
        dispatch();
        return;
    }
    if (line.front() == ':') return;  // a comment (keep-alives such as ": ping")
    const size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        pending_.data.append(value);
        pending_.data.push_back('\n');
        has_data_ = true;
    } else if (field == "event") {
        pending_.event.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) pending_.id.assign(value);
    } else if (field == "error") {
        if (!pending_.error.empty()) pending_.error.push_back('\n');
        pending_.error.append(value);
    } else {
        return;  // `retry` and unknown fields are ignored
    }
    if (pending_.data.size() + pending_.error.size() > limits_.max_buffered_bytes) {
        (void)fail("event stream buffered more than " + std::to_string(limits_.max_buffered_bytes) +
                   " bytes for one event");
    }
}

void SseParser::dispatch() {
    if (!has_data_ && pending_.error.empty()) {
        pending_.event.clear();  // an event without data is not dispatched
        return;
    }
    if (has_data_) pending_.data.pop_back();  // the '\n' after the last data line
    ++events_;
    const bool go_on = on_event_(pending_);
    pending_.event.clear();
    pending_.data.clear();
    pending_.error.clear();
    has_data_ = false;
    if (!go_on) stopped_ = true;
}

}  // namespace idx::agent
