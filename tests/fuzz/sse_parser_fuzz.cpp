// Fuzzes the SSE parser (the LLM server's stream is hostile input). Check:
// the events and the outcome do not depend on how the bytes are split into
// chunks (curl hands over whatever the network delivered). One allowance:
// the size limits are checked on a partial line before its field name is
// parsed, so near a limit a split stream may fail on a size limit sooner;
// it must then have delivered a prefix of the whole stream's events.
//
// Input: one byte seeding the chunk sizes, then the stream.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "agent/sse_parser.h"

using idx::agent::SseEvent;
using idx::agent::SseLimits;
using idx::agent::SseParser;

namespace {

struct Outcome {
    std::vector<std::string> events;
    std::string error;  // the first failure, if any
    bool operator==(const Outcome&) const = default;
};

Outcome run(std::string_view stream, const std::vector<size_t>& cuts) {
    Outcome o;
    // Small limits so that the fuzzer reaches them.
    SseParser p(
        [&](const SseEvent& e) {
            o.events.push_back(e.event + '\x1f' + e.data + '\x1f' + e.id + '\x1f' + e.error);
            return o.events.size() < 64;
        },
        SseLimits{.max_line_bytes = 512, .max_buffered_bytes = 2048});
    auto note = [&](idx::Expected<void> r) {
        if (!r && o.error.empty()) o.error = r.error().message;
    };
    size_t at = 0;
    for (size_t cut : cuts) {
        note(p.feed(stream.substr(at, cut - at)));
        at = cut;
    }
    note(p.feed(stream.substr(at)));
    note(p.finish());
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::vector<size_t> cuts;
    uint32_t state = data[0] | 0x100u;
    for (size_t at = 0;;) {
        state = state * 1103515245u + 12345u;
        at += 1 + (state >> 16) % 7;
        if (at >= stream.size()) break;
        cuts.push_back(at);
    }
    const Outcome whole = run(stream, {});
    const Outcome chunked = run(stream, cuts);
    const bool size_limit = chunked.error.find("longer than") != std::string::npos ||
                            chunked.error.find("buffered more than") != std::string::npos;
    const bool prefix = chunked.events.size() <= whole.events.size() &&
                        std::equal(chunked.events.begin(), chunked.events.end(), whole.events.begin());
    if (!(whole == chunked) && !(size_limit && prefix)) {
        std::fprintf(stderr, "chunking changed the result: %zu vs %zu events, errors '%s' vs '%s'\n",
                     whole.events.size(), chunked.events.size(), whole.error.c_str(), chunked.error.c_str());
        std::abort();
    }
    return 0;
}
