#include "search/line_matcher.h"

#include "common/substring_search.h"
#include "pcre2_matcher.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace idx::search {
namespace {

// The literal a pattern stands for, when it is one case-sensitive run of
// ASCII bytes with no regex meaning: with -F any such bytes, else only
// letters, digits and punctuation that is never a metacharacter (Rust's
// regex syntax: \.+*?()|[]{}^$ always, #&-~ in some contexts, so all are
// left to the regex engines).
std::optional<std::string> plain_literal(const SearchRequest& r, bool caseless) {
    if (r.pcre2 || r.word || r.line || caseless || r.patterns.size() != 1) return std::nullopt;
    const std::string& p = r.patterns.front();
    if (p.empty()) return std::nullopt;
    for (char c : p) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || u == '\n') return std::nullopt;
        if (r.fixed_strings) continue;
        const bool plain = std::isalnum(u) || u == '_' || u == ' ' || std::strchr("!\"%',/:;<=>@`", c) != nullptr;
        if (!plain) return std::nullopt;
    }
    return p;
}

std::string wrap(const SearchRequest& r, std::string_view pattern) {
    std::string p = r.fixed_strings ? escape_regex(pattern) : std::string(pattern);
    if (r.line) return "^(?:" + p + ")$";
    if (r.word) return "(?:^|\\W)(?:" + p + ")(?:$|\\W)";
    return p;
}

Expected<HsDatabase> compile_db(const std::vector<std::string>& patterns, unsigned flags) {
    std::vector<const char*> exprs;
    std::vector<unsigned> fl(patterns.size(), flags);
    std::vector<unsigned> ids(patterns.size());
    for (size_t i = 0; i < patterns.size(); ++i) {
        exprs.push_back(patterns[i].c_str());
        ids[i] = static_cast<unsigned>(i);
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* raw_err = nullptr;
    hs_error_t rc = hs_compile_multi(exprs.data(), fl.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                                     HS_MODE_BLOCK, nullptr, &db, &raw_err);
    HsCompileError err(raw_err);
    if (rc != HS_SUCCESS) {
        std::string msg = err ? err->message : "unknown error";
        std::string where;
        if (err && err->expression >= 0 && static_cast<size_t>(err->expression) < patterns.size()) {
            where = " in '" + patterns[static_cast<size_t>(err->expression)] + "'";
        }
        return Error::invalid("regex parse error" + where + ": " + msg);
    }
    return HsDatabase(db);
}

struct ScanState {
    const char* base;
    size_t size;
    std::vector<std::pair<size_t, size_t>>* candidates;  // (line start, line end)
    size_t last_start, last_end;  // the last candidate line; events inside it add nothing
    bool have_last;
};

// Adds the line containing byte `at` as a candidate, once.
void add_line_at(ScanState* s, size_t at) {
    if (s->have_last && at >= s->last_start && at < s->last_end) return;
    const void* nl_before = at == 0 ? nullptr : ::memrchr(s->base, '\n', at);
    size_t start = nl_before ? static_cast<size_t>(static_cast<const char*>(nl_before) - s->base) + 1 : 0;
    const void* nl_after = ::memchr(s->base + at, '\n', s->size - at);
    size_t end = nl_after ? static_cast<size_t>(static_cast<const char*>(nl_after) - s->base) : s->size;
    s->candidates->emplace_back(start, end);
    s->last_start = start;
    s->last_end = end + 1;
    s->have_last = true;
}

// Without start offsets, a match is known only by its end. The byte before
// the end is on the matching line; when that byte is a '\n', the match may
// also be an empty one at the start of the next line, so both are candidates.
int on_match(unsigned, unsigned long long, unsigned long long to, unsigned, void* ctx) {
    auto* s = static_cast<ScanState*>(ctx);
    const size_t pos = static_cast<size_t>(to);
    if (s->size == 0) return 0;
    if (pos > 0) add_line_at(s, pos - 1);
    if ((pos == 0 || s->base[pos - 1] == '\n') && pos < s->size) add_line_at(s, pos);
    return 0;
}

int stop_on_match(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
    *static_cast<bool*>(ctx) = true;
    return 1;  // stop scanning
}

}  // namespace

std::string escape_regex(std::string_view literal) {
    std::string out;
    for (char c : literal) {
        if (std::strchr("\\.+*?()|[]{}^$#&-~ ", c) != nullptr && c != '\0') out += '\\';
        out += c;
    }
    return out;
}

bool has_uppercase_literal(std::string_view p) {
    for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') {
            ++i;  // an escape such as \W or \S names a class, not a letter
            continue;
        }
        if (std::isupper(static_cast<unsigned char>(p[i]))) return true;
    }
    return false;
}

struct Pcre2Scratch {
    Pcre2MatchData md;
};

struct LineMatcher::Unicode {
    std::vector<std::string> exprs;
    unsigned flags = 0;
    std::once_flag once;
    std::optional<HsDatabase> utf8;  // filled once, unless Hyperscan cannot compile it in UTF-8 mode
};

namespace {
// Whether every byte is below 0x80 (32 bytes at a time).
bool is_ascii(std::string_view b) {
    const char* p = b.data();
    size_t n = b.size();
    uint64_t acc = 0;
    for (; n >= 32; p += 32, n -= 32) {
        uint64_t w[4];
        std::memcpy(w, p, 32);
        acc |= w[0] | w[1] | w[2] | w[3];
        if (acc & 0x8080808080808080ull) return false;
    }
    for (; n > 0; ++p, --n) acc |= static_cast<unsigned char>(*p);
    return (acc & 0x8080808080808080ull) == 0;
}

// Whether a (rewritten) pattern means the same in Hyperscan's byte mode as
// with Unicode semantics on any text. Conservative: ASCII only,
// case-sensitive, no inline flags, no "." (an escaped one counts too), no
// negated or POSIX classes, and escapes only of punctuation or \n \t \r
// \f \a \e (no \w \d \s \b, \p, \x.. and the like).
bool byte_safe(const std::vector<std::string>& exprs, bool caseless) {
    if (caseless) return false;
    for (const auto& e : exprs) {
        if (e.find("[:") != std::string::npos || e.find("[^") != std::string::npos) return false;
        for (size_t i = 0; i < e.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(e[i]);
            if (c >= 0x80 || c == '.') return false;
            if (c == '(' && i + 2 < e.size() && e[i + 1] == '?' && e[i + 2] != ':') return false;
            if (c == '\\' && i + 1 < e.size()) {
                const unsigned char n = static_cast<unsigned char>(e[i + 1]);
                if (std::isalnum(n) && std::strchr("ntrfae", n) == nullptr) return false;
                ++i;
            }
        }
    }
    return true;
}

// Whether pure-ASCII text gets the Unicode answers from the byte database.
// Not for a case-insensitive pattern that names a non-ASCII character
// (directly or by an escape): Unicode folds K (KELVIN SIGN) to k and ſ to s.
bool ascii_text_safe(const std::vector<std::string>& exprs, bool caseless) {
    if (!caseless) return true;
    for (const auto& e : exprs) {
        for (size_t i = 0; i < e.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(e[i]);
            if (c >= 0x80) return false;
            if (c == '\\' && i + 1 < e.size()) {
                if (std::strchr("xuUpPN", e[i + 1]) != nullptr) return false;
                ++i;
            }
        }
    }
    return true;
}
}  // namespace

const LineMatcher::Unicode* LineMatcher::unicode() const {
    Unicode& u = *unicode_;
    std::call_once(u.once, [&u] {
        if (auto db = compile_db(u.exprs, u.flags | HS_FLAG_UTF8 | HS_FLAG_UCP)) u.utf8.emplace(std::move(*db));
    });
    return u.utf8 ? &u : nullptr;
}

namespace {
// The pattern for finding spans: -w as look-around, so that a span holds
// the word and not the characters around it.
std::string span_pattern(const SearchRequest& r, const std::vector<std::string>& patterns) {
    std::string joined;
    for (const auto& p0 : patterns) {
        std::string p = r.fixed_strings ? escape_regex(p0) : p0;
        if (r.line) p = "^(?:" + p + ")$";
        else if (r.word) p = "(?<!\\w)(?:" + p + ")(?!\\w)";
        joined += (joined.empty() ? "(?:" : "|(?:") + p + ")";
    }
    return joined;
}
}  // namespace

LineMatcher::Scratch::Scratch() = default;
LineMatcher::Scratch::~Scratch() = default;
LineMatcher::Scratch::Scratch(Scratch&&) noexcept = default;
LineMatcher::Scratch& LineMatcher::Scratch::operator=(Scratch&&) noexcept = default;

// Whether the pattern has a counted repeat {n,m} / {n} with a bound over 64.
bool has_large_bounded_repeat(std::string_view p) {
    for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') {
            ++i;
            continue;
        }
        if (p[i] != '{') continue;
        size_t j = i + 1;
        long largest = 0, v = 0;
        bool digits = false;
        while (j < p.size() && (std::isdigit(static_cast<unsigned char>(p[j])) || p[j] == ',')) {
            if (p[j] == ',') {
                largest = std::max(largest, v);
                v = 0;
            } else {
                v = std::min<long>(v * 10 + (p[j] - '0'), 1000000);
                digits = true;
            }
            ++j;
        }
        largest = std::max(largest, v);
        if (digits && j < p.size() && p[j] == '}' && largest > 64) return true;
    }
    return false;
}

// ripgrep's default engine (Rust regex) has no look-around and no
// backreferences; it rejects them, and so does idx unless -P is given.
std::optional<std::string> rust_regex_unsupported(std::string_view p) {
    bool in_class = false;
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            const char n = p[i + 1];
            if (!in_class && ((n >= '1' && n <= '9') || n == 'k' || n == 'g')) {
                return "backreferences are not supported (use -P for PCRE2)";
            }
            ++i;
            continue;
        }
        if (c == '[') in_class = true;
        if (c == ']') in_class = false;
        if (!in_class && c == '(' && p.substr(i, 3) == "(?=") return "look-around is not supported (use -P for PCRE2)";
        if (!in_class && c == '(' && p.substr(i, 3) == "(?!") return "look-around is not supported (use -P for PCRE2)";
        if (!in_class && c == '(' && (p.substr(i, 4) == "(?<=" || p.substr(i, 4) == "(?<!")) {
            return "look-around is not supported (use -P for PCRE2)";
        }
    }
    return std::nullopt;
}

Expected<LineMatcher> LineMatcher::compile(const SearchRequest& r) {
    if (r.patterns.empty()) return Error::invalid("no pattern given");
    if (!r.pcre2 && !r.fixed_strings) {
        for (const auto& p : r.patterns) {
            if (auto why = rust_regex_unsupported(p)) return Error::invalid("regex parse error in '" + p + "': " + *why);
        }
    }
    bool caseless = r.case_insensitive;
    if (r.smart_case && !r.case_insensitive) {
        caseless = true;
        for (const auto& p : r.patterns) {
            if (has_uppercase_literal(p)) caseless = false;
        }
    }
    std::vector<std::string> exprs;
    for (const auto& p : r.patterns) exprs.push_back(wrap(r, p));
    LineMatcher m;
    // PCRE2 compiles a pattern idx rewrote (wrapped, joined, -w/-x added):
    // when that fails, report the error against the user's own pattern if
    // it fails alone too, so that the position points into what they typed.
    auto compile_pcre2 = [&](const std::string& rewritten) -> Expected<Pcre2Matcher> {
        auto pm = Pcre2Matcher::compile(rewritten, caseless);
        if (!pm && !r.fixed_strings) {
            for (const auto& p : r.patterns) {
                if (auto alone = Pcre2Matcher::compile(p, caseless); !alone) return std::move(alone).error();
            }
        }
        return pm;
    };
    auto use_pcre2 = [&]() -> Expected<LineMatcher> {
        std::string joined;
        for (const auto& e : exprs) joined += (joined.empty() ? "(?:" : "|(?:") + e + ")";
        auto pm = compile_pcre2(joined);
        if (!pm) return std::move(pm).error();
        m.pcre_ = std::make_shared<Pcre2Matcher>(std::move(*pm));
        return std::move(m);
    };
    if (r.spans) {
        auto sp = compile_pcre2(span_pattern(r, r.patterns));
        if (!sp) return std::move(sp).error();
        m.spans_ = std::make_shared<Pcre2Matcher>(std::move(*sp));
    }
    if (r.pcre2) return use_pcre2();
    if (auto lit = plain_literal(r, caseless)) {
        m.literal_ = std::move(*lit);
        return m;
    }
    // Hyperscan's compile time explodes on large bounded repeats in UTF-8
    // mode (foo.{0,1000}bar ran for minutes) and cannot be cancelled; PCRE2
    // compiles those at once.
    for (const auto& e : exprs) {
        if (has_large_bounded_repeat(e)) return use_pcre2();
    }
    unsigned flags = HS_FLAG_MULTILINE | HS_FLAG_ALLOWEMPTY | (caseless ? HS_FLAG_CASELESS : 0);
    auto bytes = compile_db(exprs, flags);
    if (!bytes) {
        // Hyperscan lacks some constructs (backreferences, lookaround);
        // PCRE2 answers those with the same line semantics.
        if (bytes.error().message.find("nsupported") != std::string::npos) return use_pcre2();
        return std::move(bytes).error();
    }
    m.bytes_ = std::make_shared<HsDatabase>(std::move(*bytes));
    m.byte_safe_ = byte_safe(exprs, caseless);
    m.ascii_safe_ = ascii_text_safe(exprs, caseless);
    if (!m.byte_safe_) {
        // Text with non-ASCII bytes: PCRE2 (compiles in a millisecond and
        // reads invalid UTF-8 as ripgrep does), and Hyperscan's UTF-8
        // database, compiled only if PCRE2 gives up on some text.
        std::string joined;
        for (const auto& e : exprs) joined += (joined.empty() ? "(?:" : "|(?:") + e + ")";
        auto pm = compile_pcre2(joined);
        if (!pm) return std::move(pm).error();
        m.unicode_pcre_ = std::make_shared<Pcre2Matcher>(std::move(*pm));
        m.unicode_ = std::make_shared<Unicode>();
        m.unicode_->exprs = std::move(exprs);
        m.unicode_->flags = flags;
    }
    return m;
}

std::vector<std::pair<uint32_t, uint32_t>> LineMatcher::spans(std::string_view line, Scratch& scratch) const {
    std::vector<std::pair<uint32_t, uint32_t>> out;
    if (!spans_) return out;
    if (!scratch.spans_) scratch.spans_ = std::make_unique<Pcre2Scratch>(Pcre2Scratch{spans_->make_match_data()});
    spans_->for_each_span(line, scratch.spans_->md.get(), [&](size_t s, size_t e) {
        out.emplace_back(static_cast<uint32_t>(s), static_cast<uint32_t>(e));
    });
    return out;
}

Expected<LineMatcher::Scratch> LineMatcher::make_scratch() const {
    Scratch s;
    if (!literal_.empty()) return s;
    if (pcre_) {
        s.pcre_ = std::make_unique<Pcre2Scratch>(Pcre2Scratch{pcre_->make_match_data()});
        if (!s.pcre_->md) return Error::io("cannot allocate PCRE2 match data");
        return s;
    }
    hs_scratch_t* b = nullptr;
    if (hs_alloc_scratch(bytes_->get(), &b) != HS_SUCCESS) return Error::io("cannot allocate Hyperscan scratch");
    s.bytes_.reset(b);
    return s;
}

bool LineMatcher::for_each_line(std::string_view buf, Scratch& scratch,
                                const std::function<void(size_t, size_t)>& on_line) const {
    if (!literal_.empty()) {
        // Each line holding the literal once, in order: after a hit, the
        // search resumes at the next line.
        for (size_t at = find_substring(buf, literal_); at != std::string_view::npos;) {
            const size_t nl_before = at == 0 ? std::string_view::npos : buf.rfind('\n', at - 1);
            const size_t start = nl_before == std::string_view::npos ? 0 : nl_before + 1;
            const size_t nl_after = buf.find('\n', at + literal_.size());
            const size_t end = nl_after == std::string_view::npos ? buf.size() : nl_after;
            on_line(start, end - start);
            if (nl_after == std::string_view::npos) break;
            at = find_substring(buf, literal_, nl_after + 1);
        }
        return true;
    }
    if (pcre_) return pcre_->for_each_line(buf, scratch.pcre_->md.get(), on_line);
    const hs_database_t* db = bytes_->get();
    hs_scratch_t* sc = scratch.bytes_.get();
    if (!byte_safe_ && (!ascii_safe_ || !is_ascii(buf))) {
        if (!scratch.pcre_) scratch.pcre_ = std::make_unique<Pcre2Scratch>(Pcre2Scratch{unicode_pcre_->make_match_data()});
        std::vector<std::pair<size_t, size_t>> found;
        if (scratch.pcre_->md && unicode_pcre_->for_each_line(buf, scratch.pcre_->md.get(), [&](size_t off, size_t len) {
                found.emplace_back(off, len);
            })) {
            for (auto [off, len] : found) on_line(off, len);
            return true;
        }
        // PCRE2 gave up (its backtracking limit): Hyperscan's UTF-8
        // database for valid UTF-8, the byte database otherwise.
        const Unicode* u = unicode();
        if (u == nullptr) return false;  // the caller reports the file as unsearchable
        if (simdjson::validate_utf8(buf.data(), buf.size())) {
            if (!scratch.utf8_) {
                hs_scratch_t* a = nullptr;
                if (hs_alloc_scratch(u->utf8->get(), &a) != HS_SUCCESS) return false;
                scratch.utf8_.reset(a);
            }
            db = u->utf8->get();
            sc = scratch.utf8_.get();
        }
    }
    std::vector<std::pair<size_t, size_t>> candidates;
    ScanState st{buf.data(), buf.size(), &candidates, 0, 0, false};
    if (hs_scan(db, buf.data(), static_cast<unsigned>(buf.size()), 0, sc, on_match, &st) != HS_SUCCESS) {
        return false;
    }
    // Hyperscan does not promise offset order across patterns.
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    // A match may have crossed a line break (\s, [^x]); confirm each line alone.
    for (auto [start, end] : candidates) {
        bool hit = false;
        hs_error_t rc = hs_scan(db, buf.data() + start, static_cast<unsigned>(end - start), 0, sc, stop_on_match, &hit);
        if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) return false;
        if (hit) on_line(start, end - start);
    }
    return true;
}

}  // namespace idx::search
