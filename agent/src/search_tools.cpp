// The text tools: search (as Claude Code's Grep), files (Glob) and read.
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "common/file_io.h"
#include "common/json_writer.h"
#include "indexer/index_reader.h"
#include "indexer/path_order.h"
#include "indexer/walker.h"
#include "result_page.h"
#include "search/searcher.h"
#include "tools.h"

namespace idx::agent {
namespace {

constexpr uint64_t kMaxStoredLines = 100'000;  // beyond this, lines are counted, not kept
constexpr size_t kMaxLineBytes = 2000;         // a longer line is cut (minified files)

std::string cut(std::string_view line) {
    if (line.size() <= kMaxLineBytes) return std::string(line);
    size_t n = kMaxLineBytes;
    while (n > 0 && (static_cast<unsigned char>(line[n]) & 0xc0) == 0x80) --n;  // a UTF-8 boundary
    return std::string(line.substr(0, n)) + "... [line cut at " + std::to_string(kMaxLineBytes) + " bytes]";
}

// The walker options the search and files tools share: path, glob, type.
Expected<indexer::WalkOptions> walk_options(const ToolArgs& args, const CallContext& ctx) {
    indexer::WalkOptions w;
    auto path = args.string("path");
    if (!path) return std::move(path).error();
    if (*path && !(*path)->empty()) {
        auto p = ctx.ws.resolve(**path);
        if (!p) return std::move(p).error();
        if (!p->empty()) w.paths.push_back(*p);
    }
    auto globs = args.strings("glob");
    if (!globs) return std::move(globs).error();
    for (auto& g : *globs) w.globs.push_back({std::move(g), false});
    auto type = args.string("type");
    if (!type) return std::move(type).error();
    if (*type) w.types.push_back({**type, false});
    w.cancel = &ctx.stop;
    return w;
}

// File ranks from the index, to order results (0 for unranked files).
class Ranks {
public:
    explicit Ranks(const Workspace& ws) : ws_(ws) {
        if (ws.index) {
            auto r = indexer::IndexReader::open(ws.index->db_path);
            if (r) reader_.emplace(std::move(*r));
        }
    }
    double of(const std::string& cwd_relative) {
        if (!reader_) return 0;
        auto f = reader_->file(ws_.root_relative(cwd_relative));
        if (!f || !*f) return 0;
        auto r = reader_->file_rank((*f)->id);
        return r ? *r : 0;
    }
    std::optional<indexer::IndexedFile> file(const std::string& cwd_relative) {
        if (!reader_) return std::nullopt;
        auto f = reader_->file(ws_.root_relative(cwd_relative));
        return f ? *f : std::nullopt;
    }

private:
    const Workspace& ws_;
    std::optional<indexer::IndexReader> reader_;
};

class CollectingSink final : public search::SearchSink {
public:
    void on_file(search::FileMatches&& m) override {
        std::lock_guard lock(mu_);
        uint64_t matched = 0;
        for (const auto& l : m.lines) matched += l.is_match ? 1 : 0;
        lines_ += matched;
        // Counted above; beyond the cap the lines are not kept.
        const uint64_t room = stored_ >= kMaxStoredLines ? 0 : kMaxStoredLines - stored_;
        if (m.lines.size() > room) {
            m.lines.resize(room);
            dropped_ = true;
        }
        stored_ += m.lines.size();
        counts_.push_back(matched);
        files_.push_back(std::move(m));
    }
    void on_error(const Error& e, bool) override {
        std::lock_guard lock(mu_);
        if (errors_.size() < 5) errors_.push_back(e.message);
    }
    std::vector<search::FileMatches> files_;
    std::vector<uint64_t> counts_;
    std::vector<std::string> errors_;
    uint64_t lines_ = 0, stored_ = 0;
    bool dropped_ = false;  // some matched lines were counted but not kept

private:
    std::mutex mu_;
};

}  // namespace

Expected<ToolOutput> run_search(const ToolArgs& args, const CallContext& ctx) {
    if (auto r = args.only({"pattern", "path", "glob", "type", "output_mode", "case_insensitive", "fixed_strings",
                            "context", "head_limit", "offset"});
        !r) {
        return std::move(r).error();
    }
    auto pattern = args.required_string("pattern");
    auto mode = args.string("output_mode");
    auto icase = args.boolean("case_insensitive");
    auto fixed = args.boolean("fixed_strings");
    auto context = args.integer("context", 0, 100);
    auto head = args.integer("head_limit", 1, 100'000);
    auto offset = args.integer("offset", 0, 1'000'000'000);
    for (const Error* e : {pattern ? nullptr : &pattern.error(), mode ? nullptr : &mode.error(),
                           icase ? nullptr : &icase.error(), fixed ? nullptr : &fixed.error(),
                           context ? nullptr : &context.error(), head ? nullptr : &head.error(),
                           offset ? nullptr : &offset.error()}) {
        if (e) return *e;
    }
    const std::string m = mode->value_or("files_with_matches");
    if (m != "content" && m != "files_with_matches" && m != "count") {
        return Error::invalid("argument 'output_mode' must be content, files_with_matches or count");
    }
    auto walk = walk_options(args, ctx);
    if (!walk) return walk.error().kind == ErrorKind::kPermission ? Expected<ToolOutput>(tool_error(walk.error().message))
                                                                  : Expected<ToolOutput>(std::move(walk).error());
    search::SearchRequest req;
    req.patterns = {*pattern};
    req.case_insensitive = icase->value_or(false);
    req.fixed_strings = fixed->value_or(false);
    if (m == "content") req.before = req.after = static_cast<uint32_t>(context->value_or(0));
    CollectingSink sink;
    auto stats = search::search(req, *walk, sink);
    if (!stats) return tool_error(stats.error().message);

    Ranks ranks(ctx.ws);
    std::vector<std::pair<double, size_t>> order;  // most relevant file first, then path
    for (size_t i = 0; i < sink.files_.size(); ++i) order.emplace_back(ranks.of(sink.files_[i].path), i);
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first > b.first;
        return indexer::path_less(sink.files_[a.second].path, sink.files_[b.second].path);
    });
    ResultPage page(static_cast<uint64_t>(offset->value_or(0)), head->has_value() ? std::optional<uint64_t>(**head) : std::nullopt,
                    ctx.token_budget);
    for (const auto& [rank, i] : order) {
        const auto& f = sink.files_[i];
        if (m == "files_with_matches") {
            JsonWriter j;
            j.begin_object().field("path", f.path).field("matches", sink.counts_[i]).end_object();
            page.add(f.path, j.take());
        } else if (m == "count") {
            JsonWriter j;
            j.begin_object().field("path", f.path).field("count", sink.counts_[i]).end_object();
            page.add(f.path + ":" + std::to_string(sink.counts_[i]), j.take());
        } else {
            for (const auto& l : f.lines) {
                const std::string text = cut(l.text);
                JsonWriter j;
                j.begin_object().field("path", f.path).field("line", l.number).field("text", text);
                if (!l.is_match) j.field("context", true);
                j.end_object();
                page.add(f.path + (l.is_match ? ":" : "-") + std::to_string(l.number) + (l.is_match ? ":" : "-") + text,
                         j.take());
            }
        }
    }
    if (m == "content" && sink.dropped_) {
        // Counted after the kept lines, so that offsets stay stable; those
        // lines cannot be paged to.
        uint64_t kept_matches = 0;
        for (const auto& f : sink.files_) {
            for (const auto& l : f.lines) kept_matches += l.is_match ? 1 : 0;
        }
        page.count(sink.lines_ - kept_matches);
        page.note("over " + std::to_string(kMaxStoredLines) + " lines matched; only those can be paged through: narrow "
                  "the pattern or path");
    }
    std::optional<indexer::IndexedFile> named;  // a single path the index knows
    if (walk->paths.size() == 1) named = ranks.file(walk->paths[0]);
    if (named && !named->skip.empty()) {
        page.set_empty_reason("skipped_by_index", walk->paths[0] + " was skipped by the index: " + named->skip +
                                                      " (search still reads it as ripgrep would)");
    } else if (stats->files_searched == 0 && !stats->used_index) {
        page.set_empty_reason("no_files", "the path, glob and type select no searchable file");
    } else {
        page.set_empty_reason(
            "no_match", "no line matches in " + std::to_string(stats->files_searched) + " files read" +
                            (stats->used_index ? " (the index ruled out the other files: they lack the pattern's trigrams)"
                                               : "") +
                            (stats->binary_files ? "; " + std::to_string(stats->binary_files) +
                                                       " binary files were searched only up to their first NUL"
                                                 : ""));
    }
    if (ctx.stop.load()) page.set_incomplete(ctx.stop_reason());
    for (const auto& e : sink.errors_) page.note(e);
    return page.finish();
}

Expected<ToolOutput> run_files(const ToolArgs& args, const CallContext& ctx) {
    if (auto r = args.only({"glob", "path", "type", "head_limit", "offset"}); !r) return std::move(r).error();
    auto head = args.integer("head_limit", 1, 1'000'000);
    if (!head) return std::move(head).error();
    auto offset = args.integer("offset", 0, 1'000'000'000);
    if (!offset) return std::move(offset).error();
    auto walk = walk_options(args, ctx);
    if (!walk) return walk.error().kind == ErrorKind::kPermission ? Expected<ToolOutput>(tool_error(walk.error().message))
                                                                  : Expected<ToolOutput>(std::move(walk).error());
    struct Sink : indexer::WalkSink {
        std::mutex mu;
        std::vector<std::string> paths;
        void on_file(indexer::FileEntry&& e) override {
            std::lock_guard lock(mu);
            paths.push_back(std::move(e.path));
        }
        void on_error(const Error&, bool) override {}
    } sink;
    auto ws = indexer::walk(*walk, sink);
    if (!ws) return tool_error(ws.error().message);
    std::sort(sink.paths.begin(), sink.paths.end(), indexer::path_less);
    ResultPage page(static_cast<uint64_t>(offset->value_or(0)), head->has_value() ? std::optional<uint64_t>(**head) : std::nullopt,
                    ctx.token_budget);
    for (auto& p : sink.paths) {
        JsonWriter j;
        j.begin_object().field("path", p).end_object();
        page.add(p, j.take());
    }
    page.set_empty_reason("no_files", "no file matches the path, glob and type (ignore rules apply, as ripgrep's)");
    if (ctx.stop.load()) page.set_incomplete(ctx.stop_reason());
    return page.finish();
}

Expected<ToolOutput> run_read(const ToolArgs& args, const CallContext& ctx) {
    if (auto r = args.only({"path", "offset", "limit"}); !r) return std::move(r).error();
    auto path = args.required_string("path");
    if (!path) return std::move(path).error();
    auto first = args.integer("offset", 1, 1'000'000'000);
    if (!first) return std::move(first).error();
    auto limit = args.integer("limit", 1, 100'000);
    if (!limit) return std::move(limit).error();
    auto rel = ctx.ws.resolve(*path);
    if (!rel) return tool_error(rel.error().message);
    const std::string file = rel->empty() ? "." : *rel;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return tool_error(Error::from_errno(errno, *path).message);
    if (S_ISDIR(st.st_mode)) return tool_error(*path + ": a directory (use the files tool to list it)");
    if (st.st_size > (int64_t{256} << 20)) return tool_error(*path + ": larger than 256 MiB; use search on it instead");
    std::string text;
    if (int err = read_whole_file(file, text); err != 0) return tool_error(Error::from_errno(err, *path).message);
    if (text.find('\0', 0) != std::string::npos && text.find('\0') < 8192) {
        return tool_error(*path + ": a binary file (a NUL byte in its first 8 KiB)");
    }
    const uint64_t start = static_cast<uint64_t>(first->value_or(1));
    // Lines are the items: the page's offset is the number of lines skipped.
    ResultPage page(start - 1, static_cast<uint64_t>(limit->value_or(2000)), ctx.token_budget);
    page.header(file + ":");
    page.one_based_offsets();
    uint64_t number = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        ++number;
        std::string_view line(text.data() + pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (number < start) {
            page.add("", "");
        } else {
            char num[24];
            std::snprintf(num, sizeof num, "%6llu\t", static_cast<unsigned long long>(number));
            const std::string shown = cut(line);
            JsonWriter j;
            j.begin_object().field("line", number).field("text", shown).end_object();
            page.add(num + shown, j.take());
        }
        pos = nl + 1;
    }
    page.set_empty_reason(text.empty() ? "empty_file" : "past_the_end",
                          text.empty() ? *path + " is empty" : *path + " has " + std::to_string(number) + " lines");
    return page.finish();
}

}  // namespace idx::agent
