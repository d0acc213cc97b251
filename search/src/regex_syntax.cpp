#include "regex_syntax.h"

#include <cctype>
#include <cstdint>
#include <optional>

namespace idx::search::regex_syntax {
namespace {

constexpr size_t kMaxSmallSet = 4;  // larger byte sets are "any character" to the planner

unsigned char fold(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c; }

Node make(Node::Kind k) {
    Node n;
    n.kind = k;
    return n;
}

std::string utf8(uint32_t cp) {
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xc0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        s += static_cast<char>(0xe0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        s += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        s += static_cast<char>(0xf0 | (cp >> 18));
        s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        s += static_cast<char>(0x80 | (cp & 0x3f));
    }
    return s;
}

class Parser {
public:
    Parser(std::string_view p, bool icase) : p_(p), icase_(icase) {}

    Node run() {
        Node n = alt();
        if (failed_ || pos_ != p_.size()) return Node::any_string();
        return n;
    }

private:
    bool eof() const { return pos_ >= p_.size(); }
    char peek() const { return p_[pos_]; }

    // A literal character (a UTF-8 sequence starting at pos_).
    Node literal_char() {
        const auto c = static_cast<unsigned char>(p_[pos_]);
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (pos_ + len > p_.size()) len = p_.size() - pos_;
        std::string bytes(p_.substr(pos_, len));
        pos_ += len;
        return literal_bytes(bytes);
    }

    Node literal_bytes(const std::string& bytes) {
        if (bytes == "\n") return make(Node::kNever);  // no line holds a '\n'
        if (bytes.size() > 1 || static_cast<unsigned char>(bytes[0]) >= 0x80) {
            if (icase_) return make(Node::kAnyChar);  // its case variants are other bytes
            Node n = make(Node::kBytes);
            n.bytes = bytes;
            return n;
        }
        Node n = make(Node::kBytes);
        n.bytes = std::string(1, static_cast<char>(fold(static_cast<unsigned char>(bytes[0]))));
        return n;
    }

    Node alt() {
        std::vector<Node> branches{concat()};
        while (!eof() && peek() == '|') {
            ++pos_;
            branches.push_back(concat());
        }
        if (branches.size() == 1) return std::move(branches[0]);
        Node n = make(Node::kAlt);
        n.kids = std::move(branches);
        return n;
    }

    Node concat() {
        Node n = make(Node::kConcat);
        while (!eof() && peek() != '|' && peek() != ')') {
            Node a = atom();
            if (failed_) return n;
            quantify(a);
            n.kids.push_back(std::move(a));
        }
        return n;
    }

    void quantify(Node& a) {
        while (!eof()) {
            int mn = 0, mx = 0;
            const char c = peek();
            if (c == '*') {
                mn = 0, mx = -1;
                ++pos_;
            } else if (c == '+') {
                mn = 1, mx = -1;
                ++pos_;
            } else if (c == '?') {
                mn = 0, mx = 1;
                ++pos_;
            } else if (c == '{') {
                auto r = counted();
                if (!r) return;  // a literal '{' follows; the caller's loop takes it
                mn = r->first, mx = r->second;
            } else {
                return;
            }
            if (!eof() && (peek() == '?' || peek() == '+')) ++pos_;  // lazy / possessive
            Node rep = make(Node::kRepeat);
            rep.min = mn;
            rep.max = mx;
            rep.kids.push_back(std::move(a));
            a = std::move(rep);
        }
    }

    // {n}, {n,}, {n,m}; nullopt (position unchanged) if not a quantifier.
    std::optional<std::pair<int, int>> counted() {
        size_t p = pos_ + 1;
        auto number = [&](int& out) {
            size_t start = p;
            long v = 0;
            while (p < p_.size() && std::isdigit(static_cast<unsigned char>(p_[p]))) {
                v = std::min<long>(v * 10 + (p_[p] - '0'), 100000);
                ++p;
            }
            out = static_cast<int>(v);
            return p > start;
        };
        int mn = 0, mx = 0;
        if (!number(mn)) return std::nullopt;
        if (p < p_.size() && p_[p] == '}') {
            pos_ = p + 1;
            return std::pair{mn, mn};
        }
        if (p >= p_.size() || p_[p] != ',') return std::nullopt;
        ++p;
        if (p < p_.size() && p_[p] == '}') {
            pos_ = p + 1;
            return std::pair{mn, -1};
        }
        if (!number(mx) || p >= p_.size() || p_[p] != '}') return std::nullopt;
        pos_ = p + 1;
        return std::pair{mn, mx};
    }

    Node atom() {
        const char c = peek();
        switch (c) {
            case '(': return group();
            case '[': return char_class();
            case '.': ++pos_; return make(Node::kAnyChar);
            case '^':
            case '$': ++pos_; return make(Node::kEmpty);
            case '\\': return escape();
            default: return literal_char();
        }
    }

    Node group() {
        ++pos_;  // '('
        bool saved_icase = icase_;
        bool zero_width = false;
        if (!eof() && peek() == '?') {
            ++pos_;
            if (eof()) return fail();
            if (peek() == '#') {  // comment
                while (!eof() && peek() != ')') ++pos_;
                if (eof()) return fail();
                ++pos_;
                return make(Node::kEmpty);
            }
            if (peek() == '=' || peek() == '!') {
                zero_width = true;
                ++pos_;
            } else if (peek() == '<' && pos_ + 1 < p_.size() && (p_[pos_ + 1] == '=' || p_[pos_ + 1] == '!')) {
                zero_width = true;
                pos_ += 2;
            } else if (peek() == 'P' || peek() == '<' || peek() == '\'') {
                if (peek() == 'P') ++pos_;
                const char close = (!eof() && peek() == '\'') ? '\'' : '>';
                while (!eof() && peek() != close) ++pos_;
                if (eof()) return fail();
                ++pos_;
            } else {
                // Flags: (?i) (?-i) (?i:...) (?s) (?m) (?U) (?x)...
                bool negate = false;
                while (!eof() && peek() != ')' && peek() != ':') {
                    const char f = peek();
                    if (f == '-') negate = true;
                    else if (f == 'i') icase_ = !negate;
                    else if (f == 'x') return fail();  // verbose syntax: not planned
                    ++pos_;
                }
                if (eof()) return fail();
                if (peek() == ')') {  // flags for the rest of the enclosing group
                    ++pos_;
                    return make(Node::kEmpty);
                }
                ++pos_;  // ':'
            }
        }
        Node inner = alt();
        if (eof() || peek() != ')') return fail();
        ++pos_;
        icase_ = saved_icase;
        return zero_width ? make(Node::kEmpty) : inner;
    }

    Node escape() {
        ++pos_;  // '\\'
        if (eof()) return fail();
        const char c = peek();
        ++pos_;
        switch (c) {
            case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K': case '<': case '>':
                return make(Node::kEmpty);
            case 'd': case 'D': case 'w': case 'W': case 's': case 'S': case 'h': case 'H': case 'v': case 'V':
            case 'N': case 'C':
                return make(Node::kAnyChar);
            case 'p': case 'P':
                if (!eof() && peek() == '{') {
                    while (!eof() && peek() != '}') ++pos_;
                    if (eof()) return fail();
                }
                ++pos_;
                return make(Node::kAnyChar);
            case 'R': case 'X':
            case 'k': case 'g':
            case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
                if ((c == 'k' || c == 'g') && !eof() && (peek() == '<' || peek() == '{' || peek() == '\'')) {
                    const char close = peek() == '<' ? '>' : peek() == '{' ? '}' : '\'';
                    while (!eof() && peek() != close) ++pos_;
                    if (!eof()) ++pos_;
                }
                return Node::any_string();  // a backreference or sequence: any length
            case 'n': return literal_bytes("\n");
            case 't': return literal_bytes("\t");
            case 'r': return literal_bytes("\r");
            case 'f': return literal_bytes("\f");
            case 'a': return literal_bytes("\a");
            case 'e': return literal_bytes("\x1b");
            case '0': return literal_bytes(std::string(1, '\0'));
            case 'x': case 'u': case 'U': {
                uint32_t cp = 0;
                if (!eof() && peek() == '{') {
                    ++pos_;
                    while (!eof() && std::isxdigit(static_cast<unsigned char>(peek()))) {
                        cp = cp * 16 + static_cast<uint32_t>(std::stoi(std::string(1, peek()), nullptr, 16));
                        ++pos_;
                    }
                    if (eof() || peek() != '}') return fail();
                    ++pos_;
                } else {
                    const int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                    for (int i = 0; i < digits; ++i) {
                        if (eof() || !std::isxdigit(static_cast<unsigned char>(peek()))) return fail();
                        cp = cp * 16 + static_cast<uint32_t>(std::stoi(std::string(1, peek()), nullptr, 16));
                        ++pos_;
                    }
                }
                if (cp > 0x10ffff) return fail();
                return literal_bytes(utf8(cp));
            }
            case 'Q': {
                Node n = make(Node::kConcat);
                while (!eof() && !(peek() == '\\' && pos_ + 1 < p_.size() && p_[pos_ + 1] == 'E')) {
                    n.kids.push_back(literal_char());
                }
                if (!eof()) pos_ += 2;
                return n;
            }
            default:
                if (std::isalnum(static_cast<unsigned char>(c))) return Node::any_string();  // unknown escape
                return literal_bytes(std::string(1, c));
        }
    }

    Node char_class() {
        ++pos_;  // '['
        bool negated = false;
        if (!eof() && peek() == '^') {
            negated = true;
            ++pos_;
        }
        std::bitset<256> set;
        bool unknown = false;  // holds non-ASCII or named classes: "any character"
        bool first = true;
        while (true) {
            if (eof()) return fail();
            char c = peek();
            if (c == ']' && !first) {
                ++pos_;
                break;
            }
            first = false;
            if (c == '[') {
                if (p_.substr(pos_, 2) == "[:") {
                    auto end = p_.find(":]", pos_ + 2);
                    if (end == std::string_view::npos) return fail();
                    pos_ = end + 2;
                    unknown = true;
                    continue;
                }
                return fail();  // nested classes / set operations: not planned
            }
            if ((c == '&' || c == '-' || c == '~') && pos_ + 1 < p_.size() && p_[pos_ + 1] == c) return fail();
            int lo = -1;
            if (c == '\\') {
                ++pos_;
                if (eof()) return fail();
                const char e = peek();
                ++pos_;
                if (std::string_view("dDwWsShHvVpP").find(e) != std::string_view::npos) {
                    if ((e == 'p' || e == 'P') && !eof() && peek() == '{') {
                        while (!eof() && peek() != '}') ++pos_;
                        if (!eof()) ++pos_;
                    } else if (e == 'p' || e == 'P') {
                        ++pos_;
                    }
                    unknown = true;
                    continue;
                }
                switch (e) {
                    case 'n': lo = '\n'; break;
                    case 't': lo = '\t'; break;
                    case 'r': lo = '\r'; break;
                    case 'x': case 'u':
                        unknown = true;  // rare in classes: not worth decoding
                        while (!eof() && (std::isxdigit(static_cast<unsigned char>(peek())) || peek() == '{' ||
                                          peek() == '}')) {
                            ++pos_;
                        }
                        continue;
                    default:
                        if (std::isalnum(static_cast<unsigned char>(e))) return fail();
                        lo = static_cast<unsigned char>(e);
                }
            } else {
                if (static_cast<unsigned char>(c) >= 0x80) {
                    unknown = true;
                    literal_char();  // skip the whole UTF-8 sequence
                    continue;
                }
                lo = static_cast<unsigned char>(c);
                ++pos_;
            }
            int hi = lo;
            if (pos_ + 1 < p_.size() && peek() == '-' && p_[pos_ + 1] != ']') {
                ++pos_;
                const char h = peek();
                if (h == '\\' || static_cast<unsigned char>(h) >= 0x80) {
                    unknown = true;
                    ++pos_;
                    if (h == '\\' && !eof()) ++pos_;
                    continue;
                }
                hi = static_cast<unsigned char>(h);
                ++pos_;
                if (hi < lo) return fail();
            }
            for (int b = lo; b <= hi; ++b) set.set(static_cast<size_t>(b));
        }
        if (unknown || negated) return make(Node::kAnyChar);
        std::bitset<256> folded;
        for (int b = 0; b < 256; ++b) {
            if (set.test(static_cast<size_t>(b))) folded.set(fold(static_cast<unsigned char>(b)));
        }
        folded.reset('\n');
        if (folded.none()) return make(Node::kNever);
        if (folded.count() > kMaxSmallSet) return make(Node::kAnyChar);
        Node n = make(Node::kByteSet);
        n.set = folded;
        return n;
    }

    Node fail() {
        failed_ = true;
        return make(Node::kEmpty);
    }

    std::string_view p_;
    size_t pos_ = 0;
    bool icase_;
    bool failed_ = false;
};

}  // namespace

Node Node::any_string() {
    Node rep = make(kRepeat);
    rep.min = 0;
    rep.max = -1;
    rep.kids.push_back(make(kAnyChar));
    return rep;
}

Node parse(std::string_view pattern, bool case_insensitive) { return Parser(pattern, case_insensitive).run(); }

}  // namespace idx::search::regex_syntax
