#include "indexer/file_types.h"

#include <array>
#include <string_view>
#include <utility>

namespace idx::indexer {
namespace {

struct TypeDef {
    std::string_view name;
    std::string_view globs;  // '\n'-separated
};

constexpr TypeDef kDefaultTypes[] = {
#include "default_types.inc"
};

template <typename F>
void for_each_glob(std::string_view globs, F&& f) {
    while (!globs.empty()) {
        auto nl = globs.find('\n');
        f(globs.substr(0, nl));
        if (nl == std::string_view::npos) break;
        globs.remove_prefix(nl + 1);
    }
}

}  // namespace

const char* lang_name(Lang lang) noexcept {
    switch (lang) {
        case Lang::kUnknown: return "unknown";
        case Lang::kC: return "c";
        case Lang::kCpp: return "cpp";
        case Lang::kPython: return "python";
        case Lang::kJavaScript: return "javascript";
        case Lang::kTypeScript: return "typescript";
        case Lang::kTsx: return "tsx";
        case Lang::kRust: return "rust";
        case Lang::kGo: return "go";
        case Lang::kJava: return "java";
        case Lang::kRuby: return "ruby";
        case Lang::kCSharp: return "csharp";
        case Lang::kBash: return "bash";
        case Lang::kPhp: return "php";
    }
    return "unknown";
}

Lang lang_from_name(std::string_view name) noexcept {
    for (int i = 1; i <= static_cast<int>(Lang::kPhp); ++i) {
        if (name == lang_name(static_cast<Lang>(i))) return static_cast<Lang>(i);
    }
    return Lang::kUnknown;
}

Lang detect_lang(std::string_view name) noexcept {
    static constexpr std::pair<std::string_view, Lang> kByExt[] = {
        {"c", Lang::kC},          {"h", Lang::kC},           {"cats", Lang::kC},
        {"cc", Lang::kCpp},       {"cpp", Lang::kCpp},       {"cxx", Lang::kCpp},        {"C", Lang::kCpp},
        {"H", Lang::kCpp},        {"hh", Lang::kCpp},        {"hpp", Lang::kCpp},        {"hxx", Lang::kCpp},
        {"inl", Lang::kCpp},      {"py", Lang::kPython},     {"pyi", Lang::kPython},     {"js", Lang::kJavaScript},
        {"jsx", Lang::kJavaScript}, {"mjs", Lang::kJavaScript}, {"cjs", Lang::kJavaScript}, {"ts", Lang::kTypeScript},
        {"mts", Lang::kTypeScript}, {"cts", Lang::kTypeScript}, {"tsx", Lang::kTsx},     {"rs", Lang::kRust},
        {"go", Lang::kGo},        {"java", Lang::kJava},     {"rb", Lang::kRuby},        {"rbw", Lang::kRuby},
        {"gemspec", Lang::kRuby}, {"cs", Lang::kCSharp},     {"sh", Lang::kBash},        {"bash", Lang::kBash},
        {"php", Lang::kPhp},      {"php3", Lang::kPhp},      {"php4", Lang::kPhp},       {"php5", Lang::kPhp},
        {"phtml", Lang::kPhp},
    };
    static constexpr std::pair<std::string_view, Lang> kByName[] = {
        {"Gemfile", Lang::kRuby}, {"Rakefile", Lang::kRuby}, {".bashrc", Lang::kBash}, {".bash_profile", Lang::kBash},
    };
    for (auto [n, lang] : kByName) {
        if (name == n) return lang;
    }
    auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return Lang::kUnknown;
    std::string_view ext = name.substr(dot + 1);
    for (auto [e, lang] : kByExt) {
        if (ext == e) return lang;
    }
    return Lang::kUnknown;
}

Expected<TypeMatcher> TypeMatcher::build(const std::vector<TypeSelection>& selections) {
    TypeMatcher m;
    for (const TypeSelection& sel : selections) {
        bool found = false;
        for (const TypeDef& def : kDefaultTypes) {
            if (sel.name != "all" && def.name != sel.name) continue;
            found = true;
            Expected<void> bad;
            for_each_glob(def.globs, [&](std::string_view g) {
                auto glob = Glob::compile(g, GlobOptions{.literal_separator = false});
                if (!glob) { bad = std::move(glob).error(); return; }
                m.globs_.push_back({std::move(*glob), sel.negated});
            });
            if (!bad) return std::move(bad).error();
        }
        if (!found) return Error::invalid("unrecognized file type: " + sel.name);
        if (!sel.negated) m.has_selected_ = true;
    }
    return m;
}

Match TypeMatcher::matched(std::string_view file_name, bool is_dir) const {
    if (is_dir || globs_.empty()) return Match::kNone;
    for (auto it = globs_.rbegin(); it != globs_.rend(); ++it) {
        if (it->glob.match(file_name)) return it->negated ? Match::kIgnore : Match::kWhitelist;
    }
    return has_selected_ ? Match::kIgnore : Match::kNone;
}

std::vector<std::string> TypeMatcher::list() {
    std::vector<std::string> out;
    for (const TypeDef& def : kDefaultTypes) {
        std::string line(def.name);
        line += ": ";
        bool first = true;
        for_each_glob(def.globs, [&](std::string_view g) {
            if (!first) line += ", ";
            line += g;
            first = false;
        });
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace idx::indexer
