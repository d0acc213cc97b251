// Tagger: the definitions and references of one source file, from its
// tree-sitter parse and its language's tags query, following tree-sitter's
// tags library (captures, text predicates, locals, one tag per name range).
//
// A Tagger owns a parser and a query cursor: keep one per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/file_types.h"
#include "indexer/ts_handles.h"

namespace idx::indexer {

struct Tag {
    std::string name;
    std::string kind;  // function, method, class, type, macro, prototype, call, ...
    bool is_definition = false;
    uint32_t line = 0, col = 0;              // the name, 1-based (col counts bytes)
    uint32_t start_line = 0, start_col = 0;  // the whole tagged node (definitions: widened to
    uint32_t end_line = 0, end_col = 0;      //   the enclosing function body in C/C++)
    std::string scope;                       // name of the innermost enclosing definition
    std::string signature;                   // the name's line, trimmed, at most 180 bytes
};

// Sets each tag's scope: the name of the innermost definition among `tags`
// whose extent [start, end) holds the tag's name (line, col), never the tag
// itself; of two definitions starting together the narrower is the inner,
// and of two with one extent the later in `tags`.
// Tags that no other definition holds keep their scope.
void assign_scopes(std::span<Tag> tags);

enum class TagOutcome { kOk, kNoGrammar, kTimeout };

class Tagger {
public:
    Tagger();
    // Tags `source`; kTimeout when parsing exceeds `budget`.
    Expected<TagOutcome> tag(Lang lang, std::string_view source, std::vector<Tag>& out,
                             std::chrono::milliseconds budget = std::chrono::milliseconds(5000));

private:
    TsParser parser_;
    TsQueryCursor cursor_;
};

}  // namespace idx::indexer
