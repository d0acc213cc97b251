// TagsQuery: one language's compiled tags query (a grammar's tags.scm) with
// its captures classified and its predicates prepared, as tree-sitter's tags
// library reads them. Immutable after compile(); one instance is shared by
// all threads (each uses its own TSQueryCursor).
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/file_types.h"
#include "indexer/ts_handles.h"

namespace idx::indexer {

// The compiled-in grammar of `lang`; nullptr for kUnknown.
const TSLanguage* ts_language(Lang lang);
// The source bytes of `node` ("" when the node lies outside `src`).
std::string_view node_text(std::string_view src, TSNode node);

class TagsQuery {
public:
    // The query of `lang`, compiled once and cached; nullptr for languages
    // without a grammar. A query that fails to compile is an error naming
    // its row and column.
    static Expected<const TagsQuery*> for_lang(Lang lang);
    // Compiles `source` (locals first, then tags) for `language`.
    static Expected<std::unique_ptr<TagsQuery>> compile(const TSLanguage* language, const std::string& locals,
                                                        const std::string& tags);

    enum class Role : uint8_t { kOther, kName, kIgnore, kDoc, kLocalScope, kLocalDefinition, kDefinition, kReference };
    struct Capture {
        Role role = Role::kOther;
        std::string kind;  // "function" for @definition.function
    };
    // A text predicate: #eq?, #not-eq?, #any-eq?, #match?, #not-match?,
    // #any-of?, #not-any-of? ...
    struct TextPredicate {
        enum Op : uint8_t { kEq, kMatch, kAnyOf } op;
        bool negated = false;
        bool any = false;     // holds when one node of the capture passes (else all must)
        uint32_t capture = 0;
        std::string value;    // kEq with a string
        int64_t other_capture = -1;  // kEq against another capture
        std::vector<std::string> values;  // kAnyOf
        std::shared_ptr<std::regex> regex;  // kMatch
    };
    struct Pattern {
        std::vector<TextPredicate> predicates;
        bool name_must_be_non_local = false;
        bool scope_inherits = true;
    };

    // Whether a match passes its pattern's text predicates, as tree-sitter's
    // tags library applies them (a capture absent from the match passes).
    bool accepts(const TSQueryMatch& match, std::string_view src) const;

    const TSLanguage* language() const { return language_; }
    const TSQuery* query() const { return query_.get(); }
    const Capture& capture(uint32_t id) const { return captures_[id]; }
    const Pattern& pattern(uint32_t index) const { return patterns_[index]; }
    uint32_t tags_pattern_index() const { return tags_pattern_index_; }

private:
    const TSLanguage* language_ = nullptr;
    TsQuery query_;
    std::vector<Capture> captures_;
    std::vector<Pattern> patterns_;
    uint32_t tags_pattern_index_ = 0;
};

}  // namespace idx::indexer
