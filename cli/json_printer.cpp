#include "json_printer.h"

#include <simdjson.h>

#include "common/json_writer.h"

namespace idx::cli {
namespace {

std::string base64(std::string_view in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        for (int s : {18, 12, 6, 0}) out += k[(v >> s) & 63];
    }
    if (i + 1 == in.size()) {
        const uint32_t v = static_cast<unsigned char>(in[i]) << 16;
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        const uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += k[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

// ripgrep's "arbitrary data": {"text": ...} when UTF-8, else {"bytes": ...}.
void data(JsonWriter& j, std::string_view bytes) {
    j.begin_object();
    if (simdjson::validate_utf8(bytes.data(), bytes.size())) {
        j.field("text", bytes);
    } else {
        j.field("bytes", base64(bytes));
    }
    j.end_object();
}

// ripgrep writes the per-file stats in declaration order and the summary
// with sorted keys; `sorted` follows the latter.
void elapsed(JsonWriter& j, std::chrono::nanoseconds ns, bool sorted = false) {
    const auto n = static_cast<uint64_t>(ns.count());
    char human[32];
    std::snprintf(human, sizeof human, "%.6fs", static_cast<double>(n) / 1e9);
    if (sorted) {
        j.begin_object().field("human", human).field("nanos", n % 1000000000).field("secs", n / 1000000000).end_object();
    } else {
        j.begin_object().field("secs", n / 1000000000).field("nanos", n % 1000000000).field("human", human).end_object();
    }
}

}  // namespace

std::string json_for_file(const search::FileMatches& m, JsonTotals& t) {
    std::string out;
    JsonWriter begin;
    begin.begin_object().field("type", "begin").key("data").begin_object().key("path");
    data(begin, m.path);
    begin.end_object().end_object();
    out += begin.str() + "\n";
    uint64_t matched_lines = 0, matches = 0;
    for (const auto& line : m.lines) {
        JsonWriter j;
        j.begin_object().field("type", line.is_match ? "match" : "context").key("data").begin_object().key("path");
        data(j, m.path);
        const bool terminated = m.last_line_terminated || line.offset != m.last_line_offset;
        j.key("lines");
        data(j, terminated ? line.text + "\n" : line.text);
        j.field("line_number", line.number).field("absolute_offset", line.offset).key("submatches").begin_array();
        if (line.is_match) {
            for (auto [b, e] : line.spans) {
                j.begin_object().key("match");
                data(j, std::string_view(line.text).substr(b, e - b));
                j.field("start", static_cast<uint64_t>(b)).field("end", static_cast<uint64_t>(e)).end_object();
            }
            if (line.counted) {
                ++matched_lines;
                matches += line.spans.empty() ? 1 : line.spans.size();
            }
        }
        j.end_array().end_object().end_object();
        out += j.str() + "\n";
    }
    t.searches += 1;
    t.searches_with_match += 1;
    t.bytes_searched += m.bytes_searched;
    t.matched_lines += matched_lines;
    t.matches += matches;
    JsonWriter end;
    end.begin_object().field("type", "end").key("data").begin_object().key("path");
    data(end, m.path);
    end.key("binary_offset");
    if (m.binary_offset) {
        end.value(*m.binary_offset);
    } else {
        end.null();
    }
    end.key("stats").begin_object().key("elapsed");
    elapsed(end, std::chrono::nanoseconds(0));
    end.field("searches", uint64_t{1}).field("searches_with_match", uint64_t{1});
    end.field("bytes_searched", m.bytes_searched).field("bytes_printed", static_cast<uint64_t>(out.size()));
    end.field("matched_lines", matched_lines).field("matches", matches).end_object();
    end.end_object().end_object();
    out += end.str() + "\n";
    t.bytes_printed += out.size();
    return out;
}

std::string json_summary(const JsonTotals& t, std::chrono::nanoseconds total) {
    JsonWriter j;
    j.begin_object().key("data").begin_object().key("elapsed_total");
    elapsed(j, total, true);
    j.key("stats").begin_object().field("bytes_printed", t.bytes_printed).field("bytes_searched", t.bytes_searched);
    j.key("elapsed");
    elapsed(j, total, true);
    j.field("matched_lines", t.matched_lines).field("matches", t.matches).field("searches", t.searches);
    j.field("searches_with_match", t.searches_with_match).end_object().end_object().field("type", "summary").end_object();
    return j.str() + "\n";
}

}  // namespace idx::cli
