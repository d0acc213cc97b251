// Glob: one compiled shell glob with ripgrep's (globset's) semantics.
//
// Syntax, as globset parses it with backslash escapes on:
//   ?  one byte but '/'      *  any run of bytes without '/'
//   [a-z] [!x] [^x]  a byte class (no escapes inside; ']' first is literal)
//   {a,b}  alternation (not nested)   \c  literal c
//   **/x  x in any directory   x/**  everything below x   a/**/b  zero or more dirs
//   `**` next to anything but '/' is just two '*'.
// Matching is byte-oriented (globset compiles to a `(?-u)` bytes regex).
// A compiled Glob is immutable and safe to share across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace idx::indexer {

struct GlobOptions {
    bool literal_separator = true;  // '*' and '?' never match '/'
    bool case_insensitive = false;  // ASCII case folding
};

class Glob {
public:
    // How match() is answered; exposed so that GlobSet can bucket globs.
    enum class Strategy {
        kBasenameLiteral,  // **/name        -> basename == name
        kBasenameSuffix,   // **/*.ext       -> basename ends with ".ext"
        kLiteral,          // a/b            -> path == "a/b"
        kAll,              // **             -> everything
        kNfa,              // anything else
    };

    static Expected<Glob> compile(std::string_view glob, GlobOptions opts = {});

    bool match(std::string_view path) const;
    const std::string& source() const { return source_; }
    Strategy strategy() const { return strategy_; }
    // For the literal strategies: the literal (basename, suffix or path).
    const std::string& literal() const { return literal_; }

    struct Program;  // the compiled NFA; defined in glob.cpp

private:
    std::string source_;
    Strategy strategy_ = Strategy::kNfa;
    std::string literal_;
    bool case_insensitive_ = false;
    std::shared_ptr<const Program> program_;
};

}  // namespace idx::indexer
