#include "indexer/symbol_codec.h"

#include <xxhash.h>

#include <algorithm>
#include <optional>
#include "indexer/zstd_blob.h"
#include "varint.h"

namespace idx::indexer {
namespace {

void put_string(std::string& out, std::string_view s) {
    put_varint(out, s.size());
    out.append(s);
}

Error corrupt() { return Error{ErrorKind::kCorrupt, "a symbol record is corrupt; rebuild with `idx index --rebuild`"}; }

}  // namespace

// 32 bits, so that SQLite stores each name row's key in 4 bytes (the
// kernel's def_names has 2.9 million rows); lookups compare the names.
int64_t name_hash(std::string_view name) {
    return static_cast<int32_t>(static_cast<uint32_t>(XXH3_64bits(name.data(), name.size())));
}

namespace {

// A part's record: count, then per tag the fields in the header's order.
std::string encode_part(const Tag* begin, const Tag* end) {
    std::string raw;
    put_varint(raw, static_cast<uint64_t>(end - begin));
    for (const Tag* t = begin; t != end; ++t) {
        put_varint(raw, t->is_definition ? 1 : 0);
        put_string(raw, t->name);
        put_string(raw, t->kind);
        put_string(raw, t->scope);
        put_string(raw, t->is_definition ? t->signature : std::string());
        put_varint(raw, t->line);
        put_varint(raw, t->col);
        put_varint(raw, t->line - t->start_line);
        put_varint(raw, t->start_col);
        put_varint(raw, t->end_line - t->line);
        put_varint(raw, t->end_col);
    }
    return zstd_compress(raw);
}

// A frame's records never approach this (a file gets symbols up to 1 MiB);
// a hostile blob claiming more is corrupt, not a reason to allocate it.
constexpr size_t kMaxFrameBytes = size_t{128} << 20;

// Appends the tags of one part's frame to `out`; with `only`, just the tags
// of that name (the others are skipped without being copied). A parted
// blob's header says how many tags each part holds (`expected`).
bool decode_part(std::string_view frame, std::vector<Tag>& out, const std::string_view* only,
                 std::optional<uint64_t> expected) {
    // Lookups by name come back to the same files' frames (see
    // zstd_blob.h); whole-blob decodes (outline, the dictionary's rebuild)
    // read each once and keep nothing.
    auto unpacked = zstd_decompress(frame, kMaxFrameBytes, only ? FrameCache::kKeep : FrameCache::kSkip);
    if (!unpacked) return false;
    std::string_view in = *unpacked;
    uint64_t count = 0;
    if (!get_varint(in, count) || count > in.size() || (expected && count != *expected)) return false;
    auto field = [&](std::string_view& v) {
        uint64_t n = 0;
        if (!get_varint(in, n) || n > in.size()) return false;
        v = in.substr(0, n);
        in.remove_prefix(n);
        return true;
    };
    auto number = [&](uint32_t& v) {
        uint64_t x = 0;
        if (!get_varint(in, x) || x > UINT32_MAX) return false;
        v = static_cast<uint32_t>(x);
        return true;
    };
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t flags = 0;
        std::string_view name, kind, scope, signature;
        uint32_t line = 0, col = 0, back = 0, start_col = 0, forward = 0, end_col = 0;
        if (!get_varint(in, flags) || !field(name) || !field(kind) || !field(scope) || !field(signature) ||
            !number(line) || !number(col) || !number(back) || !number(start_col) || !number(forward) ||
            !number(end_col) || back > line) {
            return false;
        }
        if (only && name != *only) continue;
        Tag& t = out.emplace_back();
        t.name = name;
        t.kind = kind;
        t.scope = scope;
        t.signature = signature;
        t.is_definition = flags & 1;
        t.line = line;
        t.col = col;
        t.start_line = line - back;
        t.start_col = start_col;
        t.end_line = line + forward;
        t.end_col = end_col;
    }
    return true;
}

uint16_t short_hash(std::string_view name) { return static_cast<uint16_t>(name_hash(name)); }

// The frames of a blob, and per frame whether it may hold `only`.
struct Part {
    std::string_view frame;
    bool may_hold = true;
    std::optional<uint64_t> tags;  // parted blobs: the header's count
};

bool split_parts(std::string_view blob, const std::string_view* only, std::vector<Part>& parts) {
    if (blob.empty() || blob.front() != kPartedTags) {
        parts.push_back({blob, true});
        return true;
    }
    blob.remove_prefix(1);
    uint64_t n = 0;
    if (!get_varint(blob, n) || n > blob.size()) return false;
    const uint16_t want = only ? short_hash(*only) : 0;
    std::vector<uint64_t> sizes;
    for (uint64_t i = 0; i < n; ++i) {
        uint64_t size = 0, count = 0;
        if (!get_varint(blob, size) || !get_varint(blob, count) || count > blob.size() / 2 || count > kTagsPerPart) {
            return false;
        }
        bool hit = !only;
        for (uint64_t k = 0; k < count; ++k) {
            const auto h = static_cast<uint16_t>(static_cast<unsigned char>(blob[2 * k]) |
                                                 (static_cast<unsigned char>(blob[2 * k + 1]) << 8));
            hit = hit || h == want;
        }
        blob.remove_prefix(2 * count);
        sizes.push_back(size);
        parts.push_back({{}, hit, count});
    }
    for (uint64_t i = 0; i < n; ++i) {
        if (sizes[i] > blob.size()) return false;
        parts[i].frame = blob.substr(0, sizes[i]);
        blob.remove_prefix(sizes[i]);
    }
    return blob.empty();
}

Expected<std::vector<Tag>> decode(std::string_view blob, const std::string_view* only) {
    std::vector<Part> parts;
    if (!split_parts(blob, only, parts)) return corrupt();
    std::vector<Tag> tags;
    for (const Part& p : parts) {
        if (p.may_hold && !decode_part(p.frame, tags, only, p.tags)) return corrupt();
    }
    return tags;
}

}  // namespace

std::string encode_tags(const std::vector<Tag>& tags) {
    if (tags.size() <= kTagsPerPart) return encode_part(tags.data(), tags.data() + tags.size());
    std::string header(1, kPartedTags), frames;
    const size_t parts = (tags.size() + kTagsPerPart - 1) / kTagsPerPart;
    put_varint(header, parts);
    for (size_t p = 0; p < parts; ++p) {
        const Tag* begin = tags.data() + p * kTagsPerPart;
        const Tag* end = tags.data() + std::min(tags.size(), (p + 1) * kTagsPerPart);
        const std::string frame = encode_part(begin, end);
        put_varint(header, frame.size());
        put_varint(header, static_cast<uint64_t>(end - begin));
        for (const Tag* t = begin; t != end; ++t) {
            const uint16_t h = short_hash(t->name);
            header.push_back(static_cast<char>(h & 0xff));
            header.push_back(static_cast<char>(h >> 8));
        }
        frames += frame;
    }
    return header + frames;
}

Expected<std::vector<Tag>> decode_tags(std::string_view blob) { return decode(blob, nullptr); }

Expected<std::vector<Tag>> decode_tags_named(std::string_view blob, std::string_view name) { return decode(blob, &name); }

}  // namespace idx::indexer
