// SseParser against the WHATWG EventSource framing rules, with chunks split
// anywhere, as a network delivers them.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agent/sse_parser.h"

using idx::agent::SseEvent;
using idx::agent::SseLimits;
using idx::agent::SseParser;

namespace {

std::string show(const SseEvent& e) {
    std::string s = e.event + "|" + e.data + "|" + e.id;
    if (!e.error.empty()) s += "|error=" + e.error;
    return s;
}

struct Parsed {
    std::vector<std::string> events;
    bool ok = true;
    std::string error;
};

Parsed parse_chunks(const std::vector<std::string>& chunks, SseLimits limits = {}) {
    Parsed p;
    SseParser parser(
        [&](const SseEvent& e) {
            p.events.push_back(show(e));
            return true;
        },
        limits);
    for (const auto& c : chunks) {
        if (auto r = parser.feed(c); !r) {
            p.ok = false;
            p.error = r.error().message;
            return p;
        }
    }
    if (auto r = parser.finish(); !r) {
        p.ok = false;
        p.error = r.error().message;
    }
    return p;
}

Parsed parse(const std::string& stream) { return parse_chunks({stream}); }

// A stream exercising every rule at once: comments, names, ids, multi-line
// data, all three line endings, a BOM, a field without a colon.
const std::string kMixed =
    "\xEF\xBB\xBF: comment first\r\n"
    "event: message_start\r\n"
    "data: {\"a\":1}\r\n"
    "\r\n"
    ": keep-alive\n"
    "id: 7\n"
    "data: line one\n"
    "data:line two\n"
    "data:  indented\n"
    "\n"
    "event: ping\r"
    "data\r"
    "\r"
    "data: [DONE]";

const std::vector<std::string> kMixedEvents = {
    "message_start|{\"a\":1}|",
    "|line one\nline two\n indented|7",
    "ping||7",
    "|[DONE]|7",
};

}  // namespace

TEST_CASE("a stream in one chunk gives each event with its name, data and id") {
    const Parsed p = parse(kMixed);
    REQUIRE(p.ok);
    CHECK(p.events == kMixedEvents);
}

TEST_CASE("a stream split in two at every byte position gives the same events") {
    for (size_t i = 0; i <= kMixed.size(); ++i) {
        CAPTURE(i);
        const Parsed p = parse_chunks({kMixed.substr(0, i), kMixed.substr(i)});
        REQUIRE(p.ok);
        CHECK(p.events == kMixedEvents);
    }
}

TEST_CASE("a stream fed one byte at a time gives the same events") {
    std::vector<std::string> bytes;
    for (char c : kMixed) bytes.emplace_back(1, c);
    const Parsed p = parse_chunks(bytes);
    REQUIRE(p.ok);
    CHECK(p.events == kMixedEvents);
}

TEST_CASE("a CRLF pair split across chunks ends one line, not two") {
    // Were the '\n' a second line ending, it would be a blank line that
    // dispatches the first data line on its own.
    const Parsed p = parse_chunks({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
    REQUIRE(p.ok);
    CHECK(p.events == std::vector<std::string>{"|a\nb|"});
}

TEST_CASE("lone CR, LF and CRLF all end lines") {
    CHECK(parse("data: x\r\r").events == std::vector<std::string>{"|x|"});
    CHECK(parse("data: x\n\n").events == std::vector<std::string>{"|x|"});
    CHECK(parse("data: x\r\n\r\n").events == std::vector<std::string>{"|x|"});
    CHECK(parse("data: x\r\ndata: y\rdata: z\n\n").events == std::vector<std::string>{"|x\ny\nz|"});
}

TEST_CASE("comment lines are ignored wherever they appear") {
    const Parsed p = parse(": OPENROUTER PROCESSING\n\ndata: a\n: ping\ndata: b\n\n:\n\n");
    CHECK(p.events == std::vector<std::string>{"|a\nb|"});
}

TEST_CASE("exactly one space after the colon is stripped") {
    CHECK(parse("data:x\n\n").events == std::vector<std::string>{"|x|"});
    CHECK(parse("data: x\n\n").events == std::vector<std::string>{"|x|"});
    CHECK(parse("data:  x \n\n").events == std::vector<std::string>{"| x |"});
    CHECK(parse("data: a: b\n\n").events == std::vector<std::string>{"|a: b|"});
}

TEST_CASE("a blank line without data dispatches nothing and forgets the event name") {
    const Parsed p = parse("event: lost\n\ndata: x\n\n");
    CHECK(p.events == std::vector<std::string>{"|x|"});
}

TEST_CASE("an empty data field still makes an event") {
    CHECK(parse("data\n\n").events == std::vector<std::string>{"||"});
    CHECK(parse("data:\ndata:\n\n").events == std::vector<std::string>{"|\n|"});
}

TEST_CASE("unknown fields and retry are ignored") {
    CHECK(parse("retry: 10\nfoo: bar\ndata: x\n\n").events == std::vector<std::string>{"|x|"});
}

TEST_CASE("the id is kept for later events until another one arrives") {
    CHECK(parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n").events ==
          std::vector<std::string>{"|a|1", "|b|1", "|c|2"});
}

TEST_CASE("a trailing [DONE] without its blank line is dispatched at the end") {
    CHECK(parse("data: x\n\ndata: [DONE]").events == std::vector<std::string>{"|x|", "|[DONE]|"});
    CHECK(parse("data: x\n\ndata: [DONE]\n").events == std::vector<std::string>{"|x|", "|[DONE]|"});
}

TEST_CASE("any other event without its blank line is dropped at the end") {
    CHECK(parse("data: x\n\ndata: {\"half\":").events == std::vector<std::string>{"|x|"});
    CHECK(parse("data: x\n\ndata: complete\n").events == std::vector<std::string>{"|x|"});
}

TEST_CASE("llama.cpp's non-standard error field is dispatched as an error") {
    const Parsed p = parse("error: {\"code\":400}\n\ndata: [DONE]\n\n");
    CHECK(p.events == std::vector<std::string>{"|||error={\"code\":400}", "|[DONE]|"});
}

TEST_CASE("a line longer than the limit is an error even before it ends") {
    SseLimits limits;
    limits.max_line_bytes = 16;
    CHECK(parse_chunks({"data: 0123456789\n\n"}, limits).ok);  // 16 bytes: at the limit
    const Parsed whole = parse_chunks({"data: 0123456789A\n\n"}, limits);
    CHECK_FALSE(whole.ok);
    CHECK(whole.error.find("longer than 16 bytes") != std::string::npos);
    const Parsed pieces = parse_chunks({"data: 01234", "56789", "AB"}, limits);  // never terminated
    CHECK_FALSE(pieces.ok);
}

TEST_CASE("an 8 MiB line is accepted and a longer one refused by default") {
    const std::string at_limit = "data: " + std::string((size_t{8} << 20) - 6, 'x');
    const Parsed ok = parse(at_limit + "\n\n");
    REQUIRE(ok.ok);
    REQUIRE(ok.events.size() == 1);
    CHECK_FALSE(parse(at_limit + "x\n\n").ok);
}

TEST_CASE("too much data held for one event is an error") {
    SseLimits limits;
    limits.max_line_bytes = 64;
    limits.max_buffered_bytes = 100;
    std::vector<std::string> chunks;
    for (int i = 0; i < 20; ++i) chunks.push_back("data: 0123456789\n");  // 11 bytes each, never dispatched
    const Parsed p = parse_chunks(chunks, limits);
    CHECK_FALSE(p.ok);
    CHECK(p.error.find("buffered more than 100 bytes") != std::string::npos);
    chunks.insert(chunks.begin() + 5, "\n");  // dispatching in between keeps each event small
    chunks.insert(chunks.begin() + 12, "\n");
    chunks.push_back("\n");
    CHECK(parse_chunks(chunks, limits).ok);
}

TEST_CASE("after an error every later feed fails the same way") {
    SseLimits limits;
    limits.max_line_bytes = 4;
    SseParser parser([](const SseEvent&) { return true; }, limits);
    CHECK_FALSE(parser.feed("data: too long\n"));
    const auto again = parser.feed("data\n\n");
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == idx::ErrorKind::kCorrupt);
    CHECK_FALSE(parser.finish());
}

TEST_CASE("a callback that returns false stops the parser") {
    std::vector<std::string> seen;
    SseParser parser([&](const SseEvent& e) {
        seen.push_back(e.data);
        return e.data != "stop";
    });
    CHECK(parser.feed("data: a\n\ndata: stop\n\ndata: b\n\n"));
    CHECK(parser.stopped());
    CHECK(parser.feed("data: c\n\n"));
    CHECK(parser.finish());
    CHECK(seen == std::vector<std::string>{"a", "stop"});
}

TEST_CASE("junk that is not an event stream gives no events") {
    SseParser parser([](const SseEvent&) { return true; });
    static const char junk[] = "<html><body>502 Bad Gateway</body></html>\n\x00\xff junk\n";
    CHECK(parser.feed(std::string_view(junk, sizeof junk - 1)));
    CHECK(parser.finish());
    CHECK(parser.events() == 0);
}
