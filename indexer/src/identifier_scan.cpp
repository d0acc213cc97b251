#include "indexer/identifier_scan.h"

#include <algorithm>

#include "indexer/symbol_codec.h"

namespace idx::indexer {
namespace {

bool ident_start(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_'; }
bool ident_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

float weight_of(std::string_view id) {
    if (id.size() >= 8) return 1.0f;
    for (size_t i = 1; i < id.size(); ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        if (c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1.0f;
    }
    return 0.1f;
}

// Skips a quoted literal starting at text[i] (the quote); returns the index
// after it. A quote not closed on its line is taken as a lone character
// (Rust lifetimes, apostrophes in shell words).
size_t skip_quoted(std::string_view text, size_t i) {
    const char q = text[i];
    size_t j = i + 1;
    while (j < text.size() && text[j] != q && text[j] != '\n') j += text[j] == '\\' ? 2 : 1;
    return j < text.size() && text[j] == q ? j + 1 : i + 1;
}

// The distinct names of a file as it is scanned: a file uses each name
// many times (~10 on average in kernel C), so an open-addressing set by
// hash keeps the list short before it is sorted. Two names with one hash
// are one entry, with the larger weight.
class DistinctNames {
public:
    void add(int64_t hash, float weight) {
        if (2 * (names_.size() + 1) > slots_.size()) grow();
        const size_t mask = slots_.size() - 1;
        for (size_t at = home(hash) & mask;; at = (at + 1) & mask) {
            uint32_t& slot = slots_[at];
            if (slot == 0) {
                names_.push_back({hash, weight});
                slot = static_cast<uint32_t>(names_.size());
                return;
            }
            UsedName& n = names_[slot - 1];
            if (n.hash == hash) {
                n.weight = std::max(n.weight, weight);
                return;
            }
        }
    }
    std::vector<UsedName> sorted() && {
        std::sort(names_.begin(), names_.end(), [](const UsedName& a, const UsedName& b) { return a.hash < b.hash; });
        return std::move(names_);
    }

private:
    static size_t home(int64_t hash) { return static_cast<size_t>(static_cast<uint64_t>(hash) * 0x9E3779B97F4A7C15ull >> 32); }
    void grow() {
        slots_.assign(std::max<size_t>(1024, 2 * slots_.size()), 0);
        for (size_t i = 0; i < names_.size(); ++i) {
            size_t at = home(names_[i].hash) & (slots_.size() - 1);
            while (slots_[at] != 0) at = (at + 1) & (slots_.size() - 1);
            slots_[at] = static_cast<uint32_t>(i + 1);
        }
    }

    std::vector<uint32_t> slots_;  // 1 + index into names_, 0: empty; a power of two long
    std::vector<UsedName> names_;
};

}  // namespace

std::vector<UsedName> used_identifiers(std::string_view text, Lang lang) {
    const bool hash_comments = lang == Lang::kPython || lang == Lang::kRuby || lang == Lang::kBash || lang == Lang::kPhp;
    const bool slash_comments = !(lang == Lang::kPython || lang == Lang::kRuby || lang == Lang::kBash);
    DistinctNames out;
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (slash_comments && c == '/' && i + 1 < n && text[i + 1] == '/') {
            i = text.find('\n', i);
            if (i == std::string_view::npos) break;
        } else if (slash_comments && c == '/' && i + 1 < n && text[i + 1] == '*') {
            i = text.find("*/", i + 2);
            if (i == std::string_view::npos) break;
            i += 2;
        } else if (hash_comments && c == '#' && (i == 0 || !ident_char(static_cast<unsigned char>(text[i - 1])))) {
            i = text.find('\n', i);
            if (i == std::string_view::npos) break;
        } else if (c == '"' || c == '\'' || c == '`') {
            i = skip_quoted(text, i);
        } else if (ident_start(c)) {
            const size_t start = i;
            while (i < n && ident_char(static_cast<unsigned char>(text[i]))) ++i;
            if (i - start >= 3) {
                const std::string_view id = text.substr(start, i - start);
                out.add(name_hash(id), weight_of(id));
            }
        } else if (c >= '0' && c <= '9') {
            while (i < n && ident_char(static_cast<unsigned char>(text[i]))) ++i;  // "0x1f" is no identifier
        } else {
            ++i;
        }
    }
    return std::move(out).sorted();
}

}  // namespace idx::indexer
