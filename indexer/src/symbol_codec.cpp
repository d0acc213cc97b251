#include "indexer/symbol_codec.h"

#include <xxhash.h>
#include "indexer/zstd_blob.h"
#include "varint.h"

namespace idx::indexer {
namespace {

void put_string(std::string& out, std::string_view s) {
    put_varint(out, s.size());
    out.append(s);
}

class Reader {
public:
    explicit Reader(std::string_view s) : s_(s) {}
    bool varint(uint64_t& v) {
        std::string_view rest = s_.substr(pos_);
        const size_t before = rest.size();
        const bool ok = get_varint(rest, v);
        pos_ += before - rest.size();
        return ok;
    }
    bool u32(uint32_t& v) {
        uint64_t x = 0;
        if (!varint(x) || x > UINT32_MAX) return false;
        v = static_cast<uint32_t>(x);
        return true;
    }
    bool string(std::string& out) {
        uint64_t n = 0;
        if (!varint(n) || n > s_.size() - pos_) return false;
        out.assign(s_.substr(pos_, n));
        pos_ += n;
        return true;
    }

private:
    std::string_view s_;
    size_t pos_ = 0;
};

Error corrupt() { return Error{ErrorKind::kCorrupt, "a symbol record is corrupt; rebuild with `idx index --rebuild`"}; }

}  // namespace

int64_t name_hash(std::string_view name) { return static_cast<int64_t>(XXH3_64bits(name.data(), name.size())); }

std::string encode_tags(const std::vector<Tag>& tags) {
    std::string raw;
    put_varint(raw, tags.size());
    for (const Tag& t : tags) {
        put_varint(raw, t.is_definition ? 1 : 0);
        put_string(raw, t.name);
        put_string(raw, t.kind);
        put_string(raw, t.scope);
        put_string(raw, t.is_definition ? t.signature : std::string());
        put_varint(raw, t.line);
        put_varint(raw, t.col);
        put_varint(raw, t.line - t.start_line);
        put_varint(raw, t.start_col);
        put_varint(raw, t.end_line - t.line);
        put_varint(raw, t.end_col);
    }
    return zstd_compress(raw);
}

Expected<std::vector<Tag>> decode_tags(std::string_view blob) {
    auto unpacked = zstd_decompress(blob);
    if (!unpacked) return corrupt();
    const std::string& raw = *unpacked;
    Reader r(raw);
    uint64_t count = 0;
    if (!r.varint(count) || count > raw.size()) return corrupt();
    std::vector<Tag> tags(count);
    for (Tag& t : tags) {
        uint64_t flags = 0;
        uint32_t back = 0, forward = 0;
        if (!r.varint(flags) || !r.string(t.name) || !r.string(t.kind) || !r.string(t.scope) ||
            !r.string(t.signature) || !r.u32(t.line) || !r.u32(t.col) || !r.u32(back) || !r.u32(t.start_col) ||
            !r.u32(forward) || !r.u32(t.end_col) || back > t.line) {
            return corrupt();
        }
        t.is_definition = flags & 1;
        t.start_line = t.line - back;
        t.end_line = t.line + forward;
    }
    return tags;
}

}  // namespace idx::indexer
