#include "pcre2_matcher.h"

#include <cstring>

namespace idx::search {

Expected<Pcre2Matcher> Pcre2Matcher::compile(const std::string& pattern, bool caseless) {
    int err = 0;
    PCRE2_SIZE offset = 0;
    const uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_MULTILINE |
                          (caseless ? PCRE2_CASELESS : 0);
    Pcre2Code code(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), opts, &err, &offset,
                                 nullptr));
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        return Error::invalid("regex parse error at offset " + std::to_string(offset) + " of '" + pattern +
                              "': " + reinterpret_cast<const char*>(msg));
    }
    pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE);  // best effort: the interpreter is the fallback
    Pcre2Matcher m;
    m.code_ = std::make_shared<Pcre2Code>(std::move(code));
    return m;
}

Pcre2MatchData Pcre2Matcher::make_match_data() const {
    return Pcre2MatchData(pcre2_match_data_create_from_pattern(code_->get(), nullptr));
}

bool Pcre2Matcher::matches(std::string_view subject, size_t from, pcre2_match_data* md, int* rc) const {
    *rc = pcre2_match(code_->get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), from, 0, md,
                      nullptr);
    return *rc >= 0;
}

bool Pcre2Matcher::for_each_line(std::string_view buf, pcre2_match_data* md,
                                 const std::function<void(size_t, size_t)>& on_line) const {
    const size_t size = buf.size();
    size_t pos = 0;
    while (pos < size) {
        int rc = 0;
        if (!matches(buf, pos, md, &rc)) return rc == PCRE2_ERROR_NOMATCH;
        const size_t start = pcre2_get_ovector_pointer(md)[0];
        if (start >= size) break;  // an empty match after the final '\n' is not a line
        const void* before = start == 0 ? nullptr : ::memrchr(buf.data(), '\n', start);
        const size_t ls = before ? static_cast<size_t>(static_cast<const char*>(before) - buf.data()) + 1 : 0;
        const void* after = ::memchr(buf.data() + start, '\n', size - start);
        const size_t le = after ? static_cast<size_t>(static_cast<const char*>(after) - buf.data()) : size;
        // The match may have run past the line's end: confirm on the line alone.
        if (matches(buf.substr(ls, le - ls), 0, md, &rc)) {
            on_line(ls, le - ls);
        } else if (rc != PCRE2_ERROR_NOMATCH) {
            return false;
        }
        pos = le + 1;
    }
    return true;
}

void Pcre2Matcher::for_each_span(std::string_view line, pcre2_match_data* md,
                                 const std::function<void(size_t, size_t)>& on_span) const {
    size_t pos = 0;
    size_t last_end = SIZE_MAX;
    while (pos <= line.size()) {
        const int rc = pcre2_match(code_->get(), reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), pos, 0, md,
                                   nullptr);
        if (rc < 0) return;
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        const size_t s = ov[0], e = ov[1];
        if (s == e) {
            if (s != last_end) on_span(s, e);
            // Step over one UTF-8 character.
            size_t step = 1;
            while (s + step < line.size() && (static_cast<unsigned char>(line[s + step]) & 0xc0) == 0x80) ++step;
            pos = s + step;
        } else {
            on_span(s, e);
            pos = e;
        }
        last_end = e;
    }
}

}  // namespace idx::search
