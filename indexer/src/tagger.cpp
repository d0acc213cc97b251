#include "indexer/tagger.h"

#include <algorithm>
#include <cstring>
#include <span>

#include "indexer/tags_query.h"

namespace idx::indexer {
namespace {

using Clock = std::chrono::steady_clock;

struct Raw {
    uint32_t name_start, name_end, pattern;
    TSNode tag_node, name_node;
    const std::string* kind;
    bool is_def, ignored;
};

struct LocalScope {
    uint32_t start, end;
    bool inherits;
    std::vector<std::string> defs;
};


// The tagged line: from the line's first non-space byte to its end, at most
// 180 bytes (cut at a UTF-8 boundary), trailing spaces trimmed.
std::string signature_at(std::string_view src, uint32_t pos) {
    size_t start = pos;
    while (start > 0 && src[start - 1] != '\n') --start;
    while (start < src.size() && (src[start] == ' ' || src[start] == '\t')) ++start;
    size_t end = start;
    while (end < src.size() && src[end] != '\n' && end - start < 180) ++end;
    while (end > start && end < src.size() && end - start >= 180 && (static_cast<unsigned char>(src[end]) & 0xc0) == 0x80) {
        --end;
    }
    while (end > start && (src[end - 1] == ' ' || src[end - 1] == '\t' || src[end - 1] == '\r')) --end;
    return std::string(src.substr(start, end - start));
}

// C and C++ function tags point at the declarator: widen a definition to
// the function_definition around it, and call a bare declaration what it is.
void widen_c_function(TSNode& node, std::string& kind) {
    TSNode n = node;
    while (true) {
        TSNode parent = ts_node_parent(n);
        if (ts_node_is_null(parent)) return;
        const char* type = ts_node_type(parent);
        if (std::strcmp(type, "pointer_declarator") == 0 || std::strcmp(type, "function_declarator") == 0 ||
            std::strcmp(type, "parenthesized_declarator") == 0 || std::strcmp(type, "reference_declarator") == 0) {
            n = parent;
            continue;
        }
        if (std::strcmp(type, "function_definition") == 0) {
            node = parent;
        } else if (std::strcmp(type, "declaration") == 0 || std::strcmp(type, "field_declaration") == 0) {
            kind = "prototype";
        }
        return;
    }
}

bool parse_timed_out(TSParseState* state) {
    return Clock::now() > *static_cast<Clock::time_point*>(state->payload);
}

}  // namespace

void assign_scopes(std::span<Tag> tags) {
    auto starts_before = [](const Tag& a, const Tag& b) {
        return std::tie(a.start_line, a.start_col) < std::tie(b.start_line, b.start_col);
    };
    // Definitions ordered by start, the wider first on a tie, then in name
    // order: of those that hold a name, the last in this order is the
    // innermost.
    std::vector<uint32_t> defs;
    for (uint32_t i = 0; i < tags.size(); ++i) {
        if (tags[i].is_definition) defs.push_back(i);
    }
    std::sort(defs.begin(), defs.end(), [&](uint32_t a, uint32_t b) {
        if (starts_before(tags[a], tags[b])) return true;
        if (starts_before(tags[b], tags[a])) return false;
        return std::tie(tags[b].end_line, tags[b].end_col, a) < std::tie(tags[a].end_line, tags[a].end_col, b);
    });
    // A sweep over the names in position order. `open` is a max-heap (by
    // rank in `defs`) of the definitions started so far; one that ends at
    // or before a name holds no later name either, so it leaves for good.
    // O((names + definitions) log definitions): a generated header has
    // thousands of #defines, which the pairwise scan took seconds over.
    std::vector<uint32_t> order(tags.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return std::tie(tags[a].line, tags[a].col) < std::tie(tags[b].line, tags[b].col);
    });
    std::vector<uint32_t> open;  // ranks into `defs`
    size_t next = 0;
    auto ends_by = [&](uint32_t rank, const Tag& t) {
        const Tag& d = tags[defs[rank]];
        return std::tie(d.end_line, d.end_col) <= std::tie(t.line, t.col);
    };
    auto drop_closed = [&](const Tag& t) {
        while (!open.empty() && ends_by(open.front(), t)) {
            std::pop_heap(open.begin(), open.end());
            open.pop_back();
        }
    };
    for (uint32_t i : order) {
        Tag& t = tags[i];
        while (next < defs.size() &&
               std::tie(tags[defs[next]].start_line, tags[defs[next]].start_col) <= std::tie(t.line, t.col)) {
            open.push_back(static_cast<uint32_t>(next++));
            std::push_heap(open.begin(), open.end());
        }
        drop_closed(t);
        if (!open.empty() && defs[open.front()] == i) {
            // A definition is not its own scope: look under it, then put it back.
            const uint32_t self = open.front();
            std::pop_heap(open.begin(), open.end());
            open.pop_back();
            drop_closed(t);
            if (!open.empty()) t.scope = tags[defs[open.front()]].name;
            open.push_back(self);
            std::push_heap(open.begin(), open.end());
        } else if (!open.empty()) {
            t.scope = tags[defs[open.front()]].name;
        }
    }
}

Tagger::Tagger() : parser_(ts_parser_new()), cursor_(ts_query_cursor_new()) {}

Expected<TagOutcome> Tagger::tag(Lang lang, std::string_view src, std::vector<Tag>& out,
                                 std::chrono::milliseconds budget) {
    auto q = TagsQuery::for_lang(lang);
    if (!q) return std::move(q).error();
    if (*q == nullptr) return TagOutcome::kNoGrammar;
    const TagsQuery& query = **q;
    if (!ts_parser_set_language(parser_.get(), query.language())) {
        return Error{ErrorKind::kUnsupported, std::string(lang_name(lang)) + ": grammar ABI not supported"};
    }
    Clock::time_point deadline = Clock::now() + budget;
    TSInput input{};
    struct Source {
        std::string_view text;
    } source{src};
    input.payload = &source;
    input.read = [](void* payload, uint32_t byte, TSPoint, uint32_t* bytes_read) -> const char* {
        auto* s = static_cast<Source*>(payload);
        if (byte >= s->text.size()) {
            *bytes_read = 0;
            return "";
        }
        *bytes_read = static_cast<uint32_t>(s->text.size() - byte);
        return s->text.data() + byte;
    };
    input.encoding = TSInputEncodingUTF8;
    TSParseOptions options{&deadline, parse_timed_out};
    TsTree tree(ts_parser_parse_with_options(parser_.get(), nullptr, input, options));
    if (!tree) {
        ts_parser_reset(parser_.get());
        return TagOutcome::kTimeout;
    }

    ts_query_cursor_exec(cursor_.get(), query.query(), ts_tree_root_node(tree.get()));
    std::vector<LocalScope> scopes{{0, static_cast<uint32_t>(src.size()), false, {}}};
    std::vector<Raw> raws;
    TSQueryMatch m;
    while (ts_query_cursor_next_match(cursor_.get(), &m)) {
        if (!query.accepts(m, src)) continue;
        if (m.pattern_index < query.tags_pattern_index()) {
            for (uint16_t i = 0; i < m.capture_count; ++i) {
                const TSNode node = m.captures[i].node;
                const auto role = query.capture(m.captures[i].index).role;
                if (role == TagsQuery::Role::kLocalScope) {
                    scopes.push_back({ts_node_start_byte(node), ts_node_end_byte(node),
                                      query.pattern(m.pattern_index).scope_inherits, {}});
                } else if (role == TagsQuery::Role::kLocalDefinition) {
                    const uint32_t at = ts_node_start_byte(node);
                    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
                        if (it->start <= at && at <= it->end) {
                            it->defs.emplace_back(node_text(src, node));
                            break;
                        }
                    }
                }
            }
            continue;
        }
        Raw r{};
        bool have_name = false, have_tag = false;
        for (uint16_t i = 0; i < m.capture_count; ++i) {
            const auto& c = query.capture(m.captures[i].index);
            switch (c.role) {
                case TagsQuery::Role::kIgnore:
                    r.ignored = true;
                    [[fallthrough]];
                case TagsQuery::Role::kName:
                    r.name_node = m.captures[i].node;
                    have_name = true;
                    break;
                case TagsQuery::Role::kDefinition:
                case TagsQuery::Role::kReference:
                    r.tag_node = m.captures[i].node;
                    r.kind = &c.kind;
                    r.is_def = c.role == TagsQuery::Role::kDefinition;
                    have_tag = true;
                    break;
                default: break;
            }
        }
        if (!have_name) continue;
        if (!have_tag && !r.ignored) continue;
        if (ts_node_has_error(r.name_node)) continue;
        r.name_start = ts_node_start_byte(r.name_node);
        r.name_end = ts_node_end_byte(r.name_node);
        r.pattern = m.pattern_index;
        if (query.pattern(m.pattern_index).name_must_be_non_local) {
            const std::string_view name = node_text(src, r.name_node);
            bool local = false;
            for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
                if (!(it->start <= r.name_start && r.name_end <= it->end)) continue;
                if (std::find(it->defs.begin(), it->defs.end(), name) != it->defs.end()) {
                    local = true;
                    break;
                }
                if (!it->inherits) break;
            }
            if (local) continue;
        }
        if (!have_tag) r.tag_node = r.name_node;
        raws.push_back(r);
    }

    // One tag per name range: the lowest pattern wins; then drop @ignore.
    std::sort(raws.begin(), raws.end(), [](const Raw& a, const Raw& b) {
        return std::tie(a.name_start, a.name_end, a.pattern) < std::tie(b.name_start, b.name_end, b.pattern);
    });
    const size_t first = out.size();
    const bool c_like = lang == Lang::kC || lang == Lang::kCpp;
    for (size_t i = 0; i < raws.size(); ++i) {
        const Raw& r = raws[i];
        if (i > 0 && raws[i - 1].name_start == r.name_start && raws[i - 1].name_end == r.name_end) continue;
        if (r.ignored || r.kind == nullptr) continue;
        Tag t;
        t.name = std::string(node_text(src, r.name_node));
        t.kind = *r.kind;
        t.is_definition = r.is_def;
        TSNode extent = r.tag_node;
        if (c_like && r.is_def && (t.kind == "function" || t.kind == "method") &&
            std::strcmp(ts_node_type(r.tag_node), "function_declarator") == 0) {
            widen_c_function(extent, t.kind);
        }
        const TSPoint np = ts_node_start_point(r.name_node);
        const TSPoint sp = ts_node_start_point(extent), ep = ts_node_end_point(extent);
        t.line = np.row + 1;
        t.col = np.column + 1;
        t.start_line = std::min(sp.row, np.row) + 1;
        t.start_col = sp.column + 1;
        t.end_line = ep.row + 1;
        t.end_col = ep.column + 1;
        if (ep.column == 0 && ep.row > sp.row) {
            // The node ends with its line's newline (a #define): it ends on
            // that line, just before the newline, not at the next line's start.
            const uint32_t end = ts_node_end_byte(extent);
            const std::string_view before = src.substr(0, end > 0 ? end - 1 : 0);
            const size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
            t.end_line = ep.row;
            t.end_col = static_cast<uint32_t>(before.size() - line_start) + 1;
        }
        t.signature = signature_at(src, r.name_start);
        out.push_back(std::move(t));
    }

    assign_scopes(std::span<Tag>(out).subspan(first));
    return TagOutcome::kOk;
}

}  // namespace idx::indexer
