#include "indexer/glob.h"

#include <bitset>
#include <optional>
#include <utility>

#include "common/lexical_path.h"

namespace idx::indexer {
namespace {

using ByteSet = std::bitset<256>;

struct Token {
    enum Kind { kLiteral, kAny, kZeroOrMore, kRecursivePrefix, kRecursiveSuffix, kRecursiveZeroOrMore, kClass, kAlternates };
    Kind kind = kLiteral;
    unsigned char byte = 0;                 // kLiteral
    ByteSet cls;                            // kClass (already negated if needed)
    std::vector<std::vector<Token>> alts;   // kAlternates
};
using Tokens = std::vector<Token>;

Token literal(unsigned char b) { Token t; t.kind = Token::kLiteral; t.byte = b; return t; }
Token simple(Token::Kind k) { Token t; t.kind = k; return t; }

// Parses glob syntax into tokens exactly as globset's Parser does.
class Parser {
public:
    explicit Parser(std::string_view g) : g_(g) { stack_.emplace_back(); }

    Expected<Tokens> parse() {
        while (pos_ < g_.size()) {
            char c = g_[pos_++];
            Expected<void> r;
            switch (c) {
                case '?': push(simple(Token::kAny)); break;
                case '*': parse_star(); break;
                case '[': r = parse_class(); break;
                case '{': r = push_alternate(); break;
                case '}': r = pop_alternate(); break;
                case ',': parse_comma(); break;
                case '\\':
                    if (pos_ >= g_.size()) return fail("dangling '\\'");
                    push(literal(static_cast<unsigned char>(g_[pos_++])));
                    break;
                default: push(literal(static_cast<unsigned char>(c))); break;
            }
            if (!r) return r.error();
        }
        if (stack_.size() > 1) return fail("unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)");
        return std::move(stack_.front());
    }

private:
    Error fail(const std::string& what) const { return Error::invalid("error parsing glob '" + std::string(g_) + "': " + what); }

    Tokens& top() { return stack_.back(); }
    void push(Token t) { top().push_back(std::move(t)); }
    bool have_tokens() const { return !stack_.back().empty(); }
    std::optional<char> peek() const { return pos_ < g_.size() ? std::optional<char>(g_[pos_]) : std::nullopt; }

    void parse_star() {
        // `prev` is the character before this '*', as globset tracks it.
        std::optional<char> prev = pos_ >= 2 ? std::optional<char>(g_[pos_ - 2]) : std::nullopt;
        if (peek() != '*') { push(simple(Token::kZeroOrMore)); return; }
        ++pos_;  // the second '*'
        if (!have_tokens()) {
            if (peek() && *peek() != '/') {
                push(simple(Token::kZeroOrMore));
                push(simple(Token::kZeroOrMore));
            } else {
                push(simple(Token::kRecursivePrefix));
                if (peek()) ++pos_;  // the '/'
            }
            return;
        }
        if (prev != '/') {
            if (stack_.size() <= 1 || (prev != ',' && prev != '{')) {
                push(simple(Token::kZeroOrMore));
                push(simple(Token::kZeroOrMore));
                return;
            }
        }
        bool is_suffix;
        if (!peek()) {
            is_suffix = true;
        } else if ((*peek() == ',' || *peek() == '}') && stack_.size() >= 2) {
            is_suffix = true;
        } else if (*peek() == '/') {
            ++pos_;
            is_suffix = false;
        } else {
            push(simple(Token::kZeroOrMore));
            push(simple(Token::kZeroOrMore));
            return;
        }
        // Replace the preceding '/' literal (or keep a recursive token).
        Token last = std::move(top().back());
        top().pop_back();
        if (last.kind == Token::kRecursivePrefix || last.kind == Token::kRecursiveSuffix) {
            push(std::move(last));
        } else {
            push(simple(is_suffix ? Token::kRecursiveSuffix : Token::kRecursiveZeroOrMore));
        }
    }

    Expected<void> parse_class() {
        std::vector<std::pair<unsigned char, unsigned char>> ranges;
        bool negated = false;
        if (peek() == '!' || peek() == '^') { negated = true; ++pos_; }
        bool first = true, in_range = false, closed = false;
        while (pos_ < g_.size()) {
            auto c = static_cast<unsigned char>(g_[pos_++]);
            if (c == ']') {
                if (first) { ranges.emplace_back(c, c); }
                else { closed = true; break; }
            } else if (c == '-') {
                if (first) {
                    ranges.emplace_back(c, c);
                } else if (in_range) {
                    if (c < ranges.back().first) return fail("invalid range");
                    ranges.back().second = c;
                    in_range = false;
                } else {
                    in_range = true;
                }
            } else {
                if (in_range) {
                    if (c < ranges.back().first) {
                        return fail(std::string("invalid range; '") + static_cast<char>(ranges.back().first) + "' > '" +
                                    static_cast<char>(c) + "'");
                    }
                    ranges.back().second = c;
                } else {
                    ranges.emplace_back(c, c);
                }
                in_range = false;
            }
            first = false;
        }
        if (!closed) return fail("unclosed character class; missing ']'");
        if (in_range) ranges.emplace_back('-', '-');
        Token t;
        t.kind = Token::kClass;
        for (auto [lo, hi] : ranges) {
            for (unsigned b = lo; b <= hi; ++b) t.cls.set(b);
        }
        if (negated) t.cls.flip();
        push(std::move(t));
        return {};
    }

    Expected<void> push_alternate() {
        if (stack_.size() > 1) return fail("nested alternate groups are not allowed");
        stack_.emplace_back();
        return {};
    }

    // A stray '}' pops nothing and is dropped, as in globset 0.4.9.
    Expected<void> pop_alternate() {
        if (stack_.size() <= 1) return {};
        Token t;
        t.kind = Token::kAlternates;
        while (stack_.size() >= 2) {
            t.alts.push_back(std::move(stack_.back()));
            stack_.pop_back();
        }
        push(std::move(t));
        return {};
    }

    void parse_comma() {
        if (stack_.size() <= 1) { push(literal(',')); return; }
        stack_.emplace_back();
    }

    std::string_view g_;
    size_t pos_ = 0;
    std::vector<Tokens> stack_;
};

ByteSet all_but(unsigned char b) { ByteSet s; s.set(); s.reset(b); return s; }

}  // namespace

// A Thompson NFA over bytes. State i either consumes one byte in `sets[i]`
// and moves to `out[i]`, or (split) moves without input to out[i] and out2[i].
struct Glob::Program {
    enum Op : uint8_t { kByte, kSplit, kMatch };
    std::vector<Op> ops;
    std::vector<ByteSet> sets;
    std::vector<int> out, out2;
    int start = 0;

    // Bit-parallel form, used when the program has at most 64 states (all
    // ignore-file and type globs in practice): a state set is a uint64_t.
    bool small = false;
    uint64_t start_set = 0, match_set = 0;
    uint64_t accepts[256] = {};                // byte states that accept each byte
    std::vector<uint64_t> after;               // per state: the set reached after consuming a byte

    int add(Op op, ByteSet set = {}) {
        ops.push_back(op);
        sets.push_back(set);
        out.push_back(-1);
        out2.push_back(-1);
        return static_cast<int>(ops.size()) - 1;
    }
};

namespace {

using Program = Glob::Program;

// A fragment under construction: entry state, and dangling exits to patch.
struct Frag {
    int start;
    std::vector<std::pair<int, bool>> holes;  // (state, second branch?)
};

class Compiler {
public:
    Compiler(Program& p, GlobOptions o) : p_(p), o_(o) {}

    Frag seq(const Tokens& toks) {
        std::optional<Frag> acc;
        for (const Token& t : toks) {
            Frag f = token(t);
            acc = acc ? cat(std::move(*acc), std::move(f)) : std::move(f);
        }
        return acc ? std::move(*acc) : empty();
    }

    void patch(const Frag& f, int to) {
        for (auto [s, second] : f.holes) (second ? p_.out2 : p_.out)[s] = to;
    }

private:
    Frag empty() {
        int s = p_.add(Program::kSplit);  // an epsilon with both exits joined
        return {s, {{s, false}, {s, true}}};
    }
    Frag byte(ByteSet set) {
        if (o_.case_insensitive) {
            for (int c = 'a'; c <= 'z'; ++c) {
                if (set.test(c) || set.test(c - 32)) { set.set(c); set.set(c - 32); }
            }
        }
        int s = p_.add(Program::kByte, set);
        return {s, {{s, false}}};
    }
    Frag cat(Frag a, Frag b) {
        patch(a, b.start);
        return {a.start, std::move(b.holes)};
    }
    Frag alt(Frag a, Frag b) {
        int s = p_.add(Program::kSplit);
        p_.out[s] = a.start;
        p_.out2[s] = b.start;
        a.holes.insert(a.holes.end(), b.holes.begin(), b.holes.end());
        return {s, std::move(a.holes)};
    }
    Frag star(ByteSet set) {
        Frag b = byte(set);
        int s = p_.add(Program::kSplit);
        p_.out[s] = b.start;
        patch(b, s);
        return {s, {{s, true}}};
    }
    Frag token(const Token& t) {
        const ByteSet any_but_sep = o_.literal_separator ? all_but('/') : all_but('\n');
        const ByteSet dot = all_but('\n');
        ByteSet slash;
        slash.set('/');
        switch (t.kind) {
            case Token::kLiteral: { ByteSet s; s.set(t.byte); return byte(s); }
            case Token::kAny: return byte(any_but_sep);
            case Token::kZeroOrMore: return star(any_but_sep);
            case Token::kRecursivePrefix:  // (?:/?|.*/)
                return alt(alt(empty(), byte(slash)), cat(star(dot), byte(slash)));
            case Token::kRecursiveSuffix:  // /.*
                return cat(byte(slash), star(dot));
            case Token::kRecursiveZeroOrMore:  // (?:/|/.*/)
                return alt(byte(slash), cat(cat(byte(slash), star(dot)), byte(slash)));
            case Token::kClass: return byte(t.cls);
            case Token::kAlternates: {
                std::optional<Frag> acc;
                for (const Tokens& a : t.alts) {
                    if (a.empty()) continue;  // globset drops empty alternatives
                    Frag f = seq(a);
                    acc = acc ? alt(std::move(*acc), std::move(f)) : std::move(f);
                }
                return acc ? std::move(*acc) : empty();
            }
        }
        return empty();
    }

    Program& p_;
    GlobOptions o_;
};

bool all_literal(const Tokens& t, size_t from, std::string* out) {
    out->clear();
    for (size_t i = from; i < t.size(); ++i) {
        if (t[i].kind != Token::kLiteral) return false;
        out->push_back(static_cast<char>(t[i].byte));
    }
    return true;
}

bool has_byte(const std::string& s, char c) { return s.find(c) != std::string::npos; }

void make_small(Program& p);  // below, with the matchers

}  // namespace

Expected<Glob> Glob::compile(std::string_view text, GlobOptions opts) {
    auto tokens = Parser(text).parse();
    if (!tokens) return std::move(tokens).error();
    const Tokens& t = *tokens;

    Glob g;
    g.source_ = std::string(text);
    g.case_insensitive_ = opts.case_insensitive;

    // Fast strategies for the shapes that dominate ignore files. Each is
    // exactly equivalent to the NFA for that token shape.
    std::string lit;
    if (t.size() == 1 && t[0].kind == Token::kRecursivePrefix) {
        g.strategy_ = Strategy::kAll;
        return g;
    }
    if (!opts.case_insensitive) {
        if (all_literal(t, 0, &lit)) {
            g.strategy_ = Strategy::kLiteral;
            g.literal_ = lit;
            return g;
        }
        if (!t.empty() && t[0].kind == Token::kRecursivePrefix && all_literal(t, 1, &lit) && !lit.empty() &&
            !has_byte(lit, '/')) {
            g.strategy_ = Strategy::kBasenameLiteral;
            g.literal_ = lit;
            return g;
        }
        if (opts.literal_separator && t.size() >= 2 && t[0].kind == Token::kRecursivePrefix &&
            t[1].kind == Token::kZeroOrMore && all_literal(t, 2, &lit) && !has_byte(lit, '/')) {
            g.strategy_ = Strategy::kBasenameSuffix;
            g.literal_ = lit;
            return g;
        }
    }

    auto prog = std::make_shared<Program>();
    Compiler c(*prog, opts);
    Frag f = c.seq(t);
    int match = prog->add(Program::kMatch);
    c.patch(f, match);
    prog->start = f.start;
    make_small(*prog);
    g.strategy_ = Strategy::kNfa;
    g.program_ = std::move(prog);
    return g;
}

namespace {

// Follows epsilon (split) edges from `s`, adding byte and match states to `list`.
void add_state(const Program& p, int s, std::vector<int>& list, std::vector<uint32_t>& mark, uint32_t gen) {
    // Iterative to bound the stack on long programs.
    std::vector<int> todo{s};
    while (!todo.empty()) {
        int x = todo.back();
        todo.pop_back();
        if (x < 0 || mark[x] == gen) continue;
        mark[x] = gen;
        if (p.ops[x] == Program::kSplit) {
            todo.push_back(p.out2[x]);
            todo.push_back(p.out[x]);
        } else {
            list.push_back(x);
        }
    }
}

// The byte and match states reachable from `s` through splits, as a mask.
uint64_t closure_mask(const Program& p, int s) {
    std::vector<int> list;
    std::vector<uint32_t> mark(p.ops.size(), 0);
    add_state(p, s, list, mark, 1);
    uint64_t m = 0;
    for (int x : list) m |= uint64_t{1} << x;
    return m;
}

void make_small(Program& p) {
    const size_t n = p.ops.size();
    if (n > 64) return;
    p.small = true;
    p.start_set = closure_mask(p, p.start);
    p.after.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
        if (p.ops[i] == Program::kMatch) p.match_set |= uint64_t{1} << i;
        if (p.ops[i] != Program::kByte) continue;
        p.after[i] = closure_mask(p, p.out[i]);
        for (int c = 0; c < 256; ++c) {
            if (p.sets[i].test(static_cast<size_t>(c))) p.accepts[c] |= uint64_t{1} << i;
        }
    }
}

bool run_small(const Program& p, std::string_view path) {
    uint64_t cur = p.start_set;
    for (unsigned char c : path) {
        uint64_t live = cur & p.accepts[c];
        uint64_t next = 0;
        while (live) {
            next |= p.after[static_cast<size_t>(__builtin_ctzll(live))];
            live &= live - 1;
        }
        if (next == 0) return false;
        cur = next;
    }
    return (cur & p.match_set) != 0;
}

bool run(const Program& p, std::string_view path) {
    if (p.small) return run_small(p, path);
    const size_t n = p.ops.size();
    std::vector<uint32_t> mark(n, 0);
    std::vector<int> cur, next;
    uint32_t gen = 1;
    add_state(p, p.start, cur, mark, gen);
    for (unsigned char c : path) {
        ++gen;
        next.clear();
        for (int s : cur) {
            if (p.ops[s] == Program::kByte && p.sets[s].test(c)) add_state(p, p.out[s], next, mark, gen);
        }
        cur.swap(next);
        if (cur.empty()) return false;
    }
    for (int s : cur) {
        if (p.ops[s] == Program::kMatch) return true;
    }
    return false;
}

}  // namespace

bool Glob::match(std::string_view path) const {
    switch (strategy_) {
        case Strategy::kAll: return path.find('\n') == std::string_view::npos;
        case Strategy::kLiteral: return path == literal_;
        case Strategy::kBasenameLiteral: return basename_of(path) == literal_;
        case Strategy::kBasenameSuffix: {
            std::string_view base = basename_of(path);
            return base.size() >= literal_.size() && base.substr(base.size() - literal_.size()) == literal_;
        }
        case Strategy::kNfa: return run(*program_, path);
    }
    return false;
}

}  // namespace idx::indexer
