#include "indexer/tags_query.h"

#include <array>
#include <cstring>
#include <mutex>
#include <optional>

#include "grammars/grammars.h"

namespace idx::indexer {
namespace {

}  // namespace

const TSLanguage* ts_language(Lang lang) {
    switch (lang) {
        case Lang::kC: return tree_sitter_c();
        case Lang::kCpp: return tree_sitter_cpp();
        case Lang::kPython: return tree_sitter_python();
        case Lang::kJavaScript: return tree_sitter_javascript();
        case Lang::kTypeScript: return tree_sitter_typescript();
        case Lang::kTsx: return tree_sitter_tsx();
        case Lang::kRust: return tree_sitter_rust();
        case Lang::kGo: return tree_sitter_go();
        case Lang::kJava: return tree_sitter_java();
        case Lang::kRuby: return tree_sitter_ruby();
        case Lang::kCSharp: return tree_sitter_c_sharp();
        case Lang::kBash: return tree_sitter_bash();
        case Lang::kPhp: return tree_sitter_php();
        case Lang::kUnknown: return nullptr;
    }
    return nullptr;
}

namespace {

const char* query_error_name(TSQueryError e) {
    switch (e) {
        case TSQueryErrorSyntax: return "syntax error";
        case TSQueryErrorNodeType: return "unknown node type";
        case TSQueryErrorField: return "unknown field";
        case TSQueryErrorCapture: return "unknown capture";
        case TSQueryErrorStructure: return "impossible pattern";
        case TSQueryErrorLanguage: return "language mismatch";
        default: return "error";
    }
}

TagsQuery::Capture classify(std::string_view name) {
    using R = TagsQuery::Role;
    if (name == "name") return {R::kName, ""};
    if (name == "ignore") return {R::kIgnore, ""};
    if (name == "doc") return {R::kDoc, ""};
    if (name == "local.scope") return {R::kLocalScope, ""};
    if (name == "local.definition") return {R::kLocalDefinition, ""};
    if (name.substr(0, 11) == "definition.") return {R::kDefinition, std::string(name.substr(11))};
    if (name.substr(0, 10) == "reference.") return {R::kReference, std::string(name.substr(10))};
    return {R::kOther, ""};  // e.g. c-sharp's stray @module: ignored, not fatal
}

}  // namespace

Expected<std::unique_ptr<TagsQuery>> TagsQuery::compile(const TSLanguage* language, const std::string& locals,
                                                        const std::string& tags) {
    const std::string source = locals + tags;
    uint32_t err_offset = 0;
    TSQueryError err_type = TSQueryErrorNone;
    TsQuery q(ts_query_new(language, source.data(), static_cast<uint32_t>(source.size()), &err_offset, &err_type));
    if (!q) {
        size_t row = 1, col = 1;
        for (size_t i = 0; i < err_offset && i < source.size(); ++i) {
            if (source[i] == '\n') {
                ++row;
                col = 1;
            } else {
                ++col;
            }
        }
        return Error::invalid("query " + std::string(query_error_name(err_type)) + " at row " + std::to_string(row) +
                              ", column " + std::to_string(col));
    }
    auto t = std::make_unique<TagsQuery>();
    t->language_ = language;
    const uint32_t captures = ts_query_capture_count(q.get());
    for (uint32_t i = 0; i < captures; ++i) {
        uint32_t len = 0;
        const char* name = ts_query_capture_name_for_id(q.get(), i, &len);
        t->captures_.push_back(classify(std::string_view(name, len)));
    }
    const uint32_t patterns = ts_query_pattern_count(q.get());
    t->patterns_.resize(patterns);
    for (uint32_t p = 0; p < patterns; ++p) {
        if (ts_query_start_byte_for_pattern(q.get(), p) < locals.size()) t->tags_pattern_index_ = p + 1;
        uint32_t steps = 0;
        const TSQueryPredicateStep* s = ts_query_predicates_for_pattern(q.get(), p, &steps);
        auto str = [&](uint32_t id) {
            uint32_t n = 0;
            const char* v = ts_query_string_value_for_id(q.get(), id, &n);
            return std::string(v, n);
        };
        for (uint32_t i = 0; i < steps;) {
            uint32_t end = i;
            while (end < steps && s[end].type != TSQueryPredicateStepTypeDone) ++end;
            if (end > i && s[i].type == TSQueryPredicateStepTypeString) {
                const std::string op = str(s[i].value_id);
                const uint32_t nargs = end - i - 1;
                const TSQueryPredicateStep* a = s + i + 1;
                if (op == "is-not?" && nargs >= 1 && a[0].type == TSQueryPredicateStepTypeString &&
                    str(a[0].value_id) == "local") {
                    t->patterns_[p].name_must_be_non_local = true;
                } else if (op == "set!" && nargs >= 2 && str(a[0].value_id) == "local.scope-inherits") {
                    t->patterns_[p].scope_inherits = str(a[1].value_id) != "false";
                } else if (nargs >= 2 && a[0].type == TSQueryPredicateStepTypeCapture) {
                    std::string base = op;
                    TextPredicate tp{};
                    if (base.rfind("not-", 0) == 0) {
                        tp.negated = true;
                        base = base.substr(4);
                    }
                    if (base.rfind("any-", 0) == 0 && base != "any-of?") {
                        tp.any = true;
                        base = base.substr(4);
                    }
                    tp.capture = a[0].value_id;
                    bool known = true;
                    if (base == "eq?") {
                        tp.op = TextPredicate::kEq;
                        if (a[1].type == TSQueryPredicateStepTypeCapture) {
                            tp.other_capture = a[1].value_id;
                        } else {
                            tp.value = str(a[1].value_id);
                        }
                    } else if (base == "match?") {
                        tp.op = TextPredicate::kMatch;
                        try {
                            tp.regex = std::make_shared<std::regex>(str(a[1].value_id), std::regex::ECMAScript);
                        } catch (const std::regex_error&) {
                            return Error::invalid("query predicate #" + op + " has an invalid regex");
                        }
                    } else if (base == "any-of?") {
                        tp.op = TextPredicate::kAnyOf;
                        for (uint32_t k = 1; k < nargs; ++k) tp.values.push_back(str(a[k].value_id));
                    } else {
                        known = false;  // #strip!, #select-adjacent!, #set-adjacent!: docs only
                    }
                    if (known) t->patterns_[p].predicates.push_back(std::move(tp));
                }
            }
            i = end + 1;
        }
    }
    t->query_ = std::move(q);
    return t;
}

Expected<const TagsQuery*> TagsQuery::for_lang(Lang lang) {
    static std::mutex mu;
    static std::array<std::unique_ptr<TagsQuery>, 16> cache;
    static std::array<bool, 16> tried{};
    static std::array<std::optional<Error>, 16> failed;
    const size_t i = static_cast<size_t>(lang);
    std::lock_guard lock(mu);
    if (failed[i]) return *failed[i];
    if (tried[i]) return cache[i].get();
    tried[i] = true;
    const TSLanguage* language = ts_language(lang);
    const grammars::TagsQuery* src = grammars::find_tags_query(lang_name(lang));
    if (language == nullptr || src == nullptr) return static_cast<const TagsQuery*>(nullptr);
    auto q = compile(language, src->locals, src->tags);
    if (!q) {
        Error e = std::move(q).error();
        e.message = std::string(lang_name(lang)) + " tags " + e.message;
        failed[i] = e;
        return e;
    }
    cache[i] = std::move(*q);
    return cache[i].get();
}

std::string_view node_text(std::string_view src, TSNode n) {
    const uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
    return e <= src.size() && s <= e ? src.substr(s, e - s) : std::string_view();
}

bool TagsQuery::accepts(const TSQueryMatch& m, std::string_view src) const {
    for (const auto& p : pattern(m.pattern_index).predicates) {
        bool seen = false, any_pass = false, all_pass = true;
        for (uint16_t i = 0; i < m.capture_count; ++i) {
            if (m.captures[i].index != p.capture) continue;
            seen = true;
            std::string_view t = node_text(src, m.captures[i].node);
            bool ok = false;
            switch (p.op) {
                case TextPredicate::kEq:
                    if (p.other_capture >= 0) {
                        for (uint16_t k = 0; k < m.capture_count; ++k) {
                            if (m.captures[k].index == static_cast<uint32_t>(p.other_capture)) {
                                ok = t == node_text(src, m.captures[k].node);
                            }
                        }
                    } else {
                        ok = t == p.value;
                    }
                    break;
                case TextPredicate::kMatch:
                    ok = std::regex_search(t.begin(), t.end(), *p.regex);
                    break;
                case TextPredicate::kAnyOf:
                    ok = std::find(p.values.begin(), p.values.end(), t) != p.values.end();
                    break;
            }
            if (p.negated) ok = !ok;
            any_pass = any_pass || ok;
            all_pass = all_pass && ok;
        }
        if (seen && !(p.any ? any_pass : all_pass)) return false;
    }
    return true;
}

}  // namespace idx::indexer
