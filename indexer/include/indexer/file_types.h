// File types: ripgrep's -t/-T type table, and the languages idx parses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/gitignore.h"
#include "indexer/glob.h"

namespace idx::indexer {

// Languages with a tree-sitter grammar in grammars/.
enum class Lang : uint8_t {
    kUnknown, kC, kCpp, kPython, kJavaScript, kTypeScript, kTsx, kRust, kGo, kJava, kRuby, kCSharp, kBash, kPhp,
};

const char* lang_name(Lang lang) noexcept;
// The inverse of lang_name(); kUnknown for any other name.
Lang lang_from_name(std::string_view name) noexcept;
// Language of a file from its name alone (extension or well-known name).
Lang detect_lang(std::string_view file_name) noexcept;

struct TypeSelection {
    std::string name;  // a ripgrep type name, or "all"
    bool negated = false;  // -T
};

// Decides -t/-T exactly as ripgrep's Types does: against the file name only,
// the last matching selection wins, and when any -t is given a file that
// matches none is ignored. Directories are never matched.
class TypeMatcher {
public:
    static Expected<TypeMatcher> build(const std::vector<TypeSelection>& selections);
    bool empty() const { return globs_.empty() && !has_selected_; }
    Match matched(std::string_view file_name, bool is_dir) const;

    // "name: glob, glob" lines, as `rg --type-list` prints them.
    static std::vector<std::string> list();

private:
    struct Entry {
        Glob glob;
        bool negated;
    };
    std::vector<Entry> globs_;
    bool has_selected_ = false;
};

}  // namespace idx::indexer
