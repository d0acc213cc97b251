#include "search/query_plan.h"

#include <optional>
#include <set>
#include <string>

#include "regex_syntax.h"
#include "search/line_matcher.h"

namespace idx::search {
namespace {

using regex_syntax::Node;
using StringSet = std::set<std::string>;

constexpr size_t kMaxExact = 7;  // exact strings kept before they become trigrams
constexpr size_t kMaxSet = 20;   // prefix / suffix strings kept

struct Info {
    bool emptyable = false;
    std::optional<StringSet> exact;  // every match is one of these strings
    StringSet prefix, suffix;        // else: every match starts / ends with one of these
    TrigramQuery match = TrigramQuery::all();
};

size_t min_len(const StringSet& s) {
    size_t m = s.empty() ? 0 : SIZE_MAX;
    for (const auto& x : s) m = std::min(m, x.size());
    return m;
}

StringSet cross(const StringSet& a, const StringSet& b) {
    StringSet out;
    for (const auto& x : a) {
        for (const auto& y : b) out.insert(x + y);
    }
    return out;
}

StringSet unite(StringSet a, const StringSet& b) {
    a.insert(b.begin(), b.end());
    return a;
}

// q AND (OR over strings of (AND of their trigrams)); no constraint when a
// string is shorter than a trigram.
TrigramQuery and_trigrams(const TrigramQuery& q, const StringSet& strings) {
    if (min_len(strings) < 3) return q;
    TrigramQuery any = TrigramQuery::none();
    for (const auto& s : strings) {
        TrigramQuery all_of = TrigramQuery::all();
        for (size_t i = 0; i + 3 <= s.size(); ++i) {
            TrigramQuery leaf{TrigramQuery::Op::kAnd, {indexer::make_trigram(static_cast<unsigned char>(s[i]),
                                                                           static_cast<unsigned char>(s[i + 1]),
                                                                           static_cast<unsigned char>(s[i + 2]))},
                              {}};
            all_of = all_of.and_(std::move(leaf));
        }
        any = any.or_(std::move(all_of));
    }
    return q.and_(std::move(any));
}

void add_exact(Info& i) {
    if (i.exact) i.match = and_trigrams(i.match, *i.exact);
}

// Moves what a prefix or suffix set knows into the query, then trims it.
void simplify_set(Info& info, StringSet& set, bool is_suffix) {
    info.match = and_trigrams(info.match, set);
    for (size_t n = 3; n == 3 || set.size() > kMaxSet; --n) {
        StringSet trimmed;
        for (const auto& s : set) {
            if (s.size() >= n) {
                trimmed.insert(is_suffix ? s.substr(s.size() - (n - 1)) : s.substr(0, n - 1));
            } else {
                trimmed.insert(s);
            }
        }
        set = std::move(trimmed);
        if (n == 1) break;
    }
}

void simplify(Info& i, bool force) {
    if (i.exact && (i.exact->size() > kMaxExact || (min_len(*i.exact) >= 3 && force) || min_len(*i.exact) >= 4)) {
        add_exact(i);
        for (const auto& s : *i.exact) {
            if (s.size() < 3) {
                i.prefix.insert(s);
                i.suffix.insert(s);
            } else {
                i.prefix.insert(s.substr(0, 2));
                i.suffix.insert(s.substr(s.size() - 2));
            }
        }
        i.exact.reset();
    }
    if (!i.exact) {
        simplify_set(i, i.prefix, false);
        simplify_set(i, i.suffix, true);
    }
}

Info empty_string() {
    Info i;
    i.emptyable = true;
    i.exact = StringSet{""};
    return i;
}

Info any_char() {
    Info i;
    i.prefix = {""};
    i.suffix = {""};
    return i;
}

Info star() {
    Info i = any_char();
    i.emptyable = true;
    return i;
}

Info concat(Info x, Info y) {
    Info xy;
    xy.match = x.match.and_(y.match);
    if (x.exact && y.exact) {
        xy.exact = cross(*x.exact, *y.exact);
    } else {
        if (x.exact) {
            xy.prefix = cross(*x.exact, y.prefix);
        } else {
            xy.prefix = x.prefix;
            if (x.emptyable) xy.prefix = unite(xy.prefix, y.prefix);
        }
        if (y.exact) {
            xy.suffix = cross(x.suffix, *y.exact);
        } else {
            xy.suffix = y.suffix;
            if (y.emptyable) xy.suffix = unite(xy.suffix, x.suffix);
        }
    }
    // The strings spanning the boundary must be there too.
    if (!x.exact && !y.exact && x.suffix.size() <= kMaxSet && y.prefix.size() <= kMaxSet &&
        min_len(x.suffix) + min_len(y.prefix) >= 3) {
        xy.match = and_trigrams(xy.match, cross(x.suffix, y.prefix));
    }
    xy.emptyable = x.emptyable && y.emptyable;
    simplify(xy, false);
    return xy;
}

Info alternate(Info x, Info y) {
    Info xy;
    if (x.exact && y.exact) {
        xy.exact = unite(*x.exact, *y.exact);
    } else if (x.exact) {
        xy.prefix = unite(*x.exact, y.prefix);
        xy.suffix = unite(*x.exact, y.suffix);
        add_exact(x);
    } else if (y.exact) {
        xy.prefix = unite(x.prefix, *y.exact);
        xy.suffix = unite(x.suffix, *y.exact);
        add_exact(y);
    } else {
        xy.prefix = unite(x.prefix, y.prefix);
        xy.suffix = unite(x.suffix, y.suffix);
    }
    xy.emptyable = x.emptyable || y.emptyable;
    xy.match = x.match.or_(y.match);
    simplify(xy, false);
    return xy;
}

Info analyze(const Node& n) {
    switch (n.kind) {
        case Node::kEmpty: return empty_string();
        case Node::kNever: {
            Info i;
            i.exact = StringSet{};
            i.match = TrigramQuery::none();
            return i;
        }
        case Node::kBytes: {
            Info i;
            i.exact = StringSet{n.bytes};
            return i;
        }
        case Node::kByteSet: {
            Info i;
            i.exact = StringSet{};
            for (int b = 0; b < 256; ++b) {
                if (n.set.test(static_cast<size_t>(b))) i.exact->insert(std::string(1, static_cast<char>(b)));
            }
            return i;
        }
        case Node::kAnyChar: return any_char();
        case Node::kConcat: {
            Info acc = empty_string();
            for (const Node& k : n.kids) acc = concat(std::move(acc), analyze(k));
            return acc;
        }
        case Node::kAlt: {
            Info acc = analyze(n.kids[0]);
            for (size_t k = 1; k < n.kids.size(); ++k) acc = alternate(std::move(acc), analyze(n.kids[k]));
            return acc;
        }
        case Node::kRepeat: {
            if (n.max == 0) return empty_string();
            Info x = analyze(n.kids[0]);
            if (n.min == 0 && n.max == 1) return alternate(std::move(x), empty_string());
            if (n.min == 0) return star();
            return concat(x, star());  // at least one x, then anything x can repeat into
        }
    }
    return star();
}

TrigramQuery plan_one(const std::string& pattern, bool icase) {
    Info info = analyze(regex_syntax::parse(pattern, icase));
    simplify(info, true);
    add_exact(info);
    return info.match;
}

}  // namespace

TrigramQuery plan_query(const SearchRequest& r) {
    // -v and --files-without-match report files by what they lack: every
    // file must be read.
    if (r.invert || r.report_files_without_match || r.patterns.empty()) return TrigramQuery::all();
    bool icase = r.case_insensitive;
    if (r.smart_case && !icase) {
        icase = true;
        for (const auto& p : r.patterns) {
            if (has_uppercase_literal(p)) icase = false;
        }
    }
    TrigramQuery q = TrigramQuery::none();
    for (const auto& p : r.patterns) q = q.or_(plan_one(r.fixed_strings ? escape_regex(p) : p, icase));
    return q;
}

}  // namespace idx::search
