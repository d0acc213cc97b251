// The symbol tools: def, refs, sym, outline, map, query and status.
#include <algorithm>
#include <optional>

#include "common/json_writer.h"
#include "indexer/file_types.h"
#include "indexer/index_reader.h"
#include "indexer/index_status.h"
#include "result_page.h"
#include "search/repo_map.h"
#include "search/structural_query.h"
#include "search/symbol_lookup.h"
#include "tools.h"

namespace idx::agent {
namespace {

const char* kLanguages = "c, cpp, python, javascript, typescript, tsx, rust, go, java, ruby, csharp, bash, php";

std::string tag_json(const indexer::SymbolHit& h, int score) {
    JsonWriter j;
    j.begin_object().field("path", h.path).field("line", static_cast<int64_t>(h.tag.line));
    j.field("column", static_cast<int64_t>(h.tag.col)).field("kind", h.tag.kind).field("name", h.tag.name);
    if (h.tag.is_definition) {
        j.field("start_line", static_cast<int64_t>(h.tag.start_line)).field("end_line", static_cast<int64_t>(h.tag.end_line));
        if (!h.tag.scope.empty()) j.field("scope", h.tag.scope);
    }
    j.field("signature", h.tag.signature);
    if (!h.lang.empty()) j.field("lang", h.lang);
    if (score) j.field("score", score);
    j.end_object();
    return j.take();
}

std::string tag_text(const indexer::SymbolHit& h) {
    return h.path + ":" + std::to_string(h.tag.line) + ":" + std::to_string(h.tag.col) + ": " + h.tag.kind + " " +
           h.tag.name + (h.tag.signature.empty() ? "" : "  " + h.tag.signature);
}

// The index and what it still lacks, for tools that need symbols.
struct Session {
    std::optional<indexer::IndexReader> reader;
    std::string error;  // why there is no reader
    uint64_t pending = 0;
};

Session open_session(const CallContext& ctx) {
    Session s;
    if (!ctx.ws.index) {
        s.error = "no index covers " + ctx.ws.cwd + " (run `idx index` in the project first)";
        return s;
    }
    auto r = indexer::IndexReader::open(ctx.ws.index->db_path);
    if (!r) {
        s.error = r.error().message;
        return s;
    }
    s.reader.emplace(std::move(*r));
    auto p = s.reader->db().scalar("SELECT count(*) FROM files WHERE symbols IS NULL");
    s.pending = p ? static_cast<uint64_t>(*p) : 0;
    return s;
}

Expected<search::SymbolFilter> filter_from(const ToolArgs& args) {
    search::SymbolFilter f;
    auto kind = args.string("kind");
    if (!kind) return std::move(kind).error();
    auto lang = args.string("lang");
    if (!lang) return std::move(lang).error();
    auto paths = args.strings("path");
    if (!paths) return std::move(paths).error();
    f.kind = kind->value_or("");
    f.lang = lang->value_or("");
    if (!f.lang.empty() && indexer::lang_from_name(f.lang) == indexer::Lang::kUnknown) {
        return Error::invalid("argument 'lang' must be one of " + std::string(kLanguages));
    }
    for (const auto& p : *paths) {
        auto g = indexer::Glob::compile(p);
        if (!g) return Error::invalid("argument 'path': " + g.error().message);
        f.path_globs.push_back(std::move(*g));
    }
    return f;
}

Expected<ResultPage> paging(const ToolArgs& args, const CallContext& ctx) {
    auto head = args.integer("head_limit", 1, 100'000);
    if (!head) return std::move(head).error();
    auto offset = args.integer("offset", 0, 1'000'000'000);
    if (!offset) return std::move(offset).error();
    return ResultPage(static_cast<uint64_t>(offset->value_or(0)),
                      head->has_value() ? std::optional<uint64_t>(**head) : std::nullopt, ctx.token_budget);
}

void empty_because(ResultPage& page, const Session& s, const std::string& code, const std::string& detail) {
    if (s.pending > 0) {
        page.set_empty_reason("symbols_pending", std::to_string(s.pending) +
                                                     " files are not parsed yet (an `idx index` is running or was "
                                                     "interrupted); " + detail);
    } else {
        page.set_empty_reason(code, detail);
    }
}

enum class Lookup { kDef, kRefs, kSym };

Expected<ToolOutput> run_lookup(const ToolArgs& args, const CallContext& ctx, Lookup what) {
    const char* key = what == Lookup::kSym ? "query" : "name";
    if (auto r = args.only({key, "kind", "lang", "path", "head_limit", "offset"}); !r) return std::move(r).error();
    auto name = args.required_string(key);
    if (!name) return std::move(name).error();
    if (name->empty()) return Error::invalid(std::string("argument '") + key + "' is empty");
    auto filter = filter_from(args);
    if (!filter) return std::move(filter).error();
    auto page = paging(args, ctx);
    if (!page) return std::move(page).error();
    Session s = open_session(ctx);
    if (!s.reader) return tool_error(s.error);
    search::SymbolLookup lookup(*s.reader, ctx.ws.root);
    lookup.set_cancel(&ctx.stop);
    search::SymbolLookup::ReferenceStats ref_stats;
    auto hits = what == Lookup::kDef    ? lookup.definitions(*name, *filter)
                : what == Lookup::kRefs ? lookup.references(*name, *filter, &ref_stats)
                                        : lookup.fuzzy(*name, *filter, 200);
    if (!hits) return tool_error(hits.error().message);
    // Most relevant first: for def, types and functions before the rest,
    // then by file rank; for refs, by file rank. sym is ranked already.
    for (auto& h : *hits) {
        auto r = s.reader->file_rank(h.hit.file);
        h.rank = r ? *r : 0;
    }
    if (what != Lookup::kSym) {
        std::stable_sort(hits->begin(), hits->end(), [&](const search::SymbolMatch& a, const search::SymbolMatch& b) {
            if (what == Lookup::kDef) {
                const int ka = search::kind_weight(a.hit.tag.kind), kb = search::kind_weight(b.hit.tag.kind);
                if (ka != kb) return ka > kb;
            }
            return a.rank > b.rank;
        });
    }
    for (const auto& h : *hits) page->add(tag_text(h.hit), tag_json(h.hit, h.score));
    const std::string shown = "'" + *name + "'";
    empty_because(*page, s,
                  what == Lookup::kDef ? "no_definition" : what == Lookup::kRefs ? "no_reference" : "no_match",
                  what == Lookup::kDef    ? "no definition of " + shown + " in the index (names match exactly; try sym)"
                  : what == Lookup::kRefs ? "no use of " + shown + " outside its definitions in indexed source files"
                                          : "no defined name fuzzy-matches " + shown);
    if (lookup.cancelled()) page->set_incomplete(ctx.stop_reason());
    if (what == Lookup::kSym && page->total() == 200) page->note("sym keeps the 200 best matches");
    if (ref_stats.not_read > 0) {
        page->note(std::to_string(ref_stats.not_read) +
                   " file(s) over 1 MiB or binary may hold the name but get no symbols, so were not read (search reads "
                   "them)");
    }
    return page->finish();
}

}  // namespace

Expected<ToolOutput> run_def(const ToolArgs& args, const CallContext& ctx) { return run_lookup(args, ctx, Lookup::kDef); }
Expected<ToolOutput> run_refs(const ToolArgs& args, const CallContext& ctx) { return run_lookup(args, ctx, Lookup::kRefs); }
Expected<ToolOutput> run_sym(const ToolArgs& args, const CallContext& ctx) { return run_lookup(args, ctx, Lookup::kSym); }

Expected<ToolOutput> run_outline(const ToolArgs& args, const CallContext& ctx) {
    if (auto r = args.only({"path", "head_limit", "offset"}); !r) return std::move(r).error();
    auto path = args.required_string("path");
    if (!path) return std::move(path).error();
    auto page = paging(args, ctx);
    if (!page) return std::move(page).error();
    auto rel = ctx.ws.resolve(*path);
    if (!rel) return tool_error(rel.error().message);
    Session s = open_session(ctx);
    if (!s.reader) return tool_error(s.error);
    const std::string key = ctx.ws.root_relative(*rel);
    auto row = s.reader->file(key);
    if (row && *row && !(*row)->skip.empty()) {
        page->set_empty_reason("skipped_by_index", *path + " was skipped by the index: " + (*row)->skip);
        return page->finish();
    }
    search::SymbolLookup lookup(*s.reader, ctx.ws.root);
    auto o = lookup.outline(key);
    if (!o) {
        if (o.error().kind == ErrorKind::kUnsupported) {
            page->set_empty_reason("unsupported_language", o.error().message + " (idx parses " + kLanguages + ")");
            return page->finish();
        }
        if (o.error().kind == ErrorKind::kNotFound) {
            page->set_empty_reason("not_indexed", *path + " is not in the index (new since the last `idx index`, "
                                                          "ignored, or not a file)");
            return page->finish();
        }
        return tool_error(o.error().message);
    }
    for (size_t i = 0; i < o->definitions.size(); ++i) {
        const auto& t = o->definitions[i];
        indexer::SymbolHit h{0, o->path, o->lang, t};
        JsonWriter j;
        j.begin_object().field("name", t.name).field("kind", t.kind).field("line", static_cast<int64_t>(t.line));
        j.field("start_line", static_cast<int64_t>(t.start_line)).field("end_line", static_cast<int64_t>(t.end_line));
        j.field("depth", static_cast<int64_t>(o->depth[i])).field("signature", t.signature).end_object();
        page->add(std::string(2 * o->depth[i], ' ') + std::to_string(t.start_line) + "-" + std::to_string(t.end_line) +
                      ": " + t.kind + " " + t.name + "  " + t.signature,
                  j.take());
    }
    page->header(o->path + (o->reparsed ? " (changed since indexing: parsed now)" : "") + ":");
    page->set_empty_reason("no_definitions", o->path + " defines nothing idx's " + o->lang + " grammar tags");
    return page->finish();
}

Expected<ToolOutput> run_map(const ToolArgs& args, const CallContext& ctx) {
    if (auto r = args.only({"tokens", "focus"}); !r) return std::move(r).error();
    auto tokens = args.integer("tokens", 64, 100'000);
    if (!tokens) return std::move(tokens).error();
    auto focus = args.strings("focus");
    if (!focus) return std::move(focus).error();
    Session s = open_session(ctx);
    if (!s.reader) return tool_error(s.error);
    search::MapRequest req;
    req.tokens = static_cast<size_t>(tokens->value_or(static_cast<int64_t>(std::min<size_t>(ctx.token_budget, 2048))));
    for (const auto& f : *focus) {
        auto rel = ctx.ws.resolve(f);
        req.focus.push_back(rel ? ctx.ws.root_relative(*rel) : f);
    }
    auto map = search::build_repo_map(*s.reader, req);
    if (!map) return tool_error(map.error().message);
    JsonWriter j;
    j.begin_object().field("map", map->text).field("tokens", static_cast<uint64_t>(map->tokens));
    j.field("files", static_cast<uint64_t>(map->files)).field("entries", static_cast<uint64_t>(map->entries)).end_object();
    std::string text = map->text.empty() ? "[idx: the map is empty: no ranked file has definitions (is the index built "
                                           "with symbols?)]\n"
                                         : map->text + "[idx: " + std::to_string(map->files) + " files, " +
                                               std::to_string(map->entries) + " definitions, ~" +
                                               std::to_string(map->tokens) + " tokens]\n";
    return ToolOutput{std::move(text), j.take(), false};
}

Expected<ToolOutput> run_query(const ToolArgs& args, const CallContext& ctx) {
    if (auto r = args.only({"query", "lang", "path", "head_limit", "offset"}); !r) return std::move(r).error();
    auto query = args.required_string("query");
    if (!query) return std::move(query).error();
    auto lang_name = args.required_string("lang");
    if (!lang_name) return std::move(lang_name).error();
    const indexer::Lang lang = indexer::lang_from_name(*lang_name);
    if (lang == indexer::Lang::kUnknown) return Error::invalid("argument 'lang' must be one of " + std::string(kLanguages));
    auto page = paging(args, ctx);
    if (!page) return std::move(page).error();
    auto q = search::StructuralQuery::compile(*query, lang);
    if (!q) return tool_error(q.error().message);
    indexer::WalkOptions walk;
    auto path = args.string("path");
    if (!path) return std::move(path).error();
    if (*path && !(*path)->empty()) {
        auto p = ctx.ws.resolve(**path);
        if (!p) return tool_error(p.error().message);
        if (!p->empty()) walk.paths.push_back(*p);
    }
    walk.cancel = &ctx.stop;
    auto stats = search::structural_search(*q, walk, false, [&](const std::vector<search::CaptureHit>& hits) {
        for (const auto& h : hits) {
            std::string_view first = h.text;
            first = first.substr(0, std::min(first.find('\n'), size_t{200}));
            JsonWriter j;
            j.begin_object().field("path", h.path).field("line", static_cast<int64_t>(h.line));
            j.field("column", static_cast<int64_t>(h.col)).field("end_line", static_cast<int64_t>(h.end_line));
            j.field("capture", h.capture).field("text", std::string(first)).end_object();
            page->add(h.path + ":" + std::to_string(h.line) + ":" + std::to_string(h.col) + ": @" + h.capture + " " +
                          std::string(first),
                      j.take());
        }
        return true;
    });
    if (!stats) return tool_error(stats.error().message);
    page->set_empty_reason("no_match", "no match in " + std::to_string(stats->files) + " " + *lang_name +
                                           " files (after narrowing by the query's literals)");
    if (stats->cancelled || ctx.stop.load()) page->set_incomplete(ctx.stop_reason());
    return page->finish();
}

Expected<ToolOutput> run_status(const ToolArgs& args, const CallContext& ctx) {
    if (auto r = args.only({"check"}); !r) return std::move(r).error();
    auto check = args.boolean("check");
    if (!check) return std::move(check).error();
    if (!ctx.ws.index) return tool_error("no index covers " + ctx.ws.cwd + " (run `idx index` in the project first)");
    indexer::WalkOptions walk;
    walk.cancel = &ctx.stop;
    auto s = indexer::read_status(*ctx.ws.index, walk, check->value_or(true));
    if (!s) return tool_error(s.error().message);
    JsonWriter j;
    j.begin_object().field("root", s->root).field("files", s->files).field("content_indexed", s->content_indexed);
    j.field("updated_ns", s->updated_ns).field("symbols_done", s->symbols_done).field("symbols_pending", s->symbols_pending);
    j.field("symbols_skipped", s->symbols_skipped).field("skipped", static_cast<uint64_t>(s->skipped.size()));
    if (s->freshness_checked) {
        j.field("modified", static_cast<uint64_t>(s->modified.size())).field("added", static_cast<uint64_t>(s->added.size()));
        j.field("deleted", static_cast<uint64_t>(s->deleted.size()));
    }
    j.end_object();
    std::string text = "index of " + s->root + ": " + std::to_string(s->files) + " files, " +
                       std::to_string(s->content_indexed) + " content-indexed, " + std::to_string(s->skipped.size()) +
                       " skipped; symbols: " + std::to_string(s->symbols_done) + " done, " +
                       std::to_string(s->symbols_pending) + " pending\n";
    if (s->freshness_checked) {
        const size_t changed = s->modified.size() + s->added.size() + s->deleted.size();
        text += changed == 0 ? "fresh: no file changed since the last update (search always reads the current files)\n"
                             : "changed since the last update: " + std::to_string(s->modified.size()) + " modified, " +
                                   std::to_string(s->added.size()) + " added, " + std::to_string(s->deleted.size()) +
                                   " deleted (search reads them as they are now; def/refs/sym see them after "
                                   "`idx index`)\n";
    }
    return ToolOutput{std::move(text), j.take(), false};
}

}  // namespace idx::agent
