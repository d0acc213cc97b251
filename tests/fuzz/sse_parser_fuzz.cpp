// Fuzzes the SSE parser (the LLM server's stream is hostile input). Check:
// the events and the outcome do not depend on how the bytes are split into
// chunks (curl hands over whatever the network delivered). One allowance:
// the size limits are checked on a partial line before its field name is
// parsed, so near a limit a split stream may fail a line sooner; it must
// then have delivered a prefix of the same events.
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
    bool ok = true;
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
    size_t at = 0;
    for (size_t cut : cuts) {
        if (!p.feed(stream.substr(at, cut - at))) o.ok = false;
        at = cut;
    }
    if (!p.feed(stream.substr(at))) o.ok = false;
    if (!p.finish()) o.ok = false;
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
    const auto prefix_of = [](const Outcome& a, const Outcome& b) {
        return a.events.size() <= b.events.size() && std::equal(a.events.begin(), a.events.end(), b.events.begin());
    };
    const bool same = whole.ok == chunked.ok ? whole == chunked
                                             : prefix_of(whole.ok ? chunked : whole, whole.ok ? whole : chunked);
    if (!same) {
        std::fprintf(stderr, "chunking changed the result: %zu vs %zu events, ok %d vs %d\n", whole.events.size(),
                     chunked.events.size(), whole.ok, chunked.ok);
        std::abort();
    }
    return 0;
}
