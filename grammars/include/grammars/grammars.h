// The compiled-in tree-sitter grammars and their tags queries.
#pragma once

#include <tree_sitter/api.h>

extern "C" {
const TSLanguage* tree_sitter_c(void);
const TSLanguage* tree_sitter_cpp(void);
const TSLanguage* tree_sitter_python(void);
const TSLanguage* tree_sitter_javascript(void);
const TSLanguage* tree_sitter_typescript(void);
const TSLanguage* tree_sitter_tsx(void);
const TSLanguage* tree_sitter_rust(void);
const TSLanguage* tree_sitter_go(void);
const TSLanguage* tree_sitter_java(void);
const TSLanguage* tree_sitter_ruby(void);
const TSLanguage* tree_sitter_c_sharp(void);
const TSLanguage* tree_sitter_bash(void);
const TSLanguage* tree_sitter_php(void);
}

namespace idx::grammars {

// Tags query sources, by language name as idx::indexer::lang_name() spells it.
// `locals` is prepended for languages whose tags use `#is-not? local`.
struct TagsQuery {
    const char* lang;
    const char* locals;
    const char* tags;
};
const TagsQuery* find_tags_query(const char* lang);

}  // namespace idx::grammars
