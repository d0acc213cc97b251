// A regex, parsed only as far as the query planner needs: which bytes it
// must contain. Anything not understood becomes "any string", which can
// only widen the plan, never drop a true match. Bytes are ASCII-folded
// (the index's trigrams are), '\n' never matches (line mode), and a
// non-ASCII letter under case-insensitivity is "any character".
#pragma once

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

namespace idx::search::regex_syntax {

struct Node {
    enum Kind {
        kEmpty,    // matches the empty string (also anchors, \b, look-around)
        kNever,    // matches nothing (e.g. a class holding only '\n')
        kBytes,    // exactly these (folded) bytes
        kByteSet,  // one byte from `set` (folded, small)
        kAnyChar,  // one character, unknown
        kConcat,
        kAlt,
        kRepeat,   // kids[0] repeated min..max times (max < 0: unbounded)
    };
    Kind kind = kEmpty;
    std::string bytes;
    std::bitset<256> set;
    std::vector<Node> kids;
    int min = 0, max = 0;

    static Node any_string();  // (?s:.*)
};

// Never fails: what it cannot parse becomes any_string().
Node parse(std::string_view pattern, bool case_insensitive);

}  // namespace idx::search::regex_syntax
