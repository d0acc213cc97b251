#include "index_command.h"

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "common/json_writer.h"
#include "indexer/index_builder.h"
#include "indexer/index_locator.h"
#include "progress_bar.h"
#include "stop_signals.h"

namespace idx::cli {
namespace {

std::string human_bytes(uint64_t b) {
    char buf[32];
    if (b >= (uint64_t{1} << 30)) std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(b) / (1 << 30));
    else if (b >= (uint64_t{1} << 20)) std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1 << 20));
    else std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(b) / 1024);
    return buf;
}

}  // namespace

void ProgressObserver::on_progress(const indexer::IndexProgress& p) {
    std::lock_guard lock(mu_);
    bar_.update(p.phase, p.files_done, p.files_total, p.bytes_done, p.bytes_total);
}

void ProgressObserver::on_warning(const Error& e) {
    std::lock_guard lock(mu_);
    bar_.finish();
    std::fprintf(stderr, "idx %s: warning: %s\n", command_, e.message.c_str());
}

void ProgressObserver::finish() {
    std::lock_guard lock(mu_);
    bar_.finish();
}

IndexCommand::IndexCommand(CLI::App& parent, bool with_options) {
    cmd_ = parent.add_subcommand("index", "Build or update the index of a tree (incremental)");
    if (!with_options) return;
    cmd_->add_option("path", path_, "The tree to index (default: current directory)")->type_name("PATH");
    cmd_->add_option("--db", db_, "The index file (default: PATH/.idx/index.db, or $IDX_DB)")->type_name("FILE");
    cmd_->add_flag("--rebuild", rebuild_, "Start from an empty index (replaces an idx index of any version)");
    cmd_->add_flag("--json", json_, "Print the summary as JSON");
    cmd_->add_flag("--no-symbols", no_symbols_, "Skip the tree-sitter symbol pass (content index only)");
    cmd_->add_option("--out", out_, "Also write a compact copy of the index to FILE (a CI artifact)")
        ->type_name("FILE");
    walk_.add_to(*cmd_);
    cmd_->footer(
        "Examples:\n"
        "  idx index                 index the current directory into ./.idx/index.db\n"
        "  idx index ~/src/linux     later runs only re-read changed files\n"
        "  idx index --rebuild       start over\n");
}

std::optional<indexer::IndexOptions> index_target(const char* command, const std::string& path,
                                                  const std::string& db, const WalkFlags& walk_flags) {
    char* root_c = ::realpath(path.c_str(), nullptr);
    if (root_c == nullptr) {
        std::fprintf(stderr, "idx %s: %s: %s\n", command, path.c_str(), std::strerror(errno));
        return std::nullopt;
    }
    std::string root = root_c;
    std::free(root_c);
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        std::fprintf(stderr, "idx %s: %s: not a directory\n", command, path.c_str());
        return std::nullopt;
    }
    auto walk = walk_flags.to_options();
    if (!walk) {
        std::fprintf(stderr, "idx %s: %s\n", command, walk.error().message.c_str());
        return std::nullopt;
    }
    indexer::IndexOptions o;
    o.root = root;
    o.db_path = db.empty() ? indexer::location_for_root(root).db_path : db;
    o.walk = *walk;
    if (db.empty() && std::getenv("IDX_DB") == nullptr) {
        std::string dir = root + "/.idx";
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
            std::fprintf(stderr, "idx %s: cannot create %s: %s\n", command, dir.c_str(), std::strerror(errno));
            return std::nullopt;
        }
    }
    return o;
}

int IndexCommand::run() {
    auto target = index_target("index", path_, db_, walk_);
    if (!target) return 2;
    indexer::IndexOptions& o = *target;
    o.rebuild = rebuild_;
    o.symbols = !no_symbols_;
    o.out_path = out_;
    o.cancel = &install_stop_signals();
    ProgressObserver observer("index");
    auto stats = indexer::build_index(o, &observer);
    observer.finish();
    if (!stats) {
        std::fprintf(stderr, "idx index: %s\n", stats.error().message.c_str());
        return stop_signal() != 0 ? 128 + stop_signal() : 2;
    }
    const auto& s = *stats;
    if (json_) {
        JsonWriter j;
        j.begin_object().field("files", s.files).field("added", s.added).field("changed", s.changed);
        j.field("deleted", s.deleted).field("unchanged", s.unchanged).field("touched", s.touched);
        j.field("bytes_read", s.bytes_read).field("binary", s.binary).field("too_large", s.too_large);
        j.field("unreadable", s.unreadable).field("vanished", s.vanished);
        j.field("segments_written", s.segments_written).field("postings", s.pairs);
        j.field("symbol_files", s.symbol_files).field("definitions", s.definitions).field("references", s.references);
        j.field("symbols_interrupted", s.symbols_interrupted);
        j.field("content_seconds", s.content_seconds).field("seconds", s.seconds).end_object();
        std::printf("%s\n", j.str().c_str());
    } else {
        std::fprintf(stderr,
                     "idx index: %llu files (%llu added, %llu changed, %llu deleted, %llu unchanged), %s read; "
                     "%llu definitions, %llu references; search-ready in %.2f s, done in %.2f s\n",
                     (unsigned long long)s.files, (unsigned long long)s.added, (unsigned long long)s.changed,
                     (unsigned long long)s.deleted, (unsigned long long)s.unchanged, human_bytes(s.bytes_read).c_str(),
                     (unsigned long long)s.definitions, (unsigned long long)s.references, s.content_seconds, s.seconds);
    }
    if (s.symbols_interrupted) {
        std::fprintf(stderr, "idx index: interrupted during the symbol pass; the content index is complete and the "
                             "remaining symbols are pending (run idx index again)\n");
        return 128 + (stop_signal() != 0 ? stop_signal() : SIGINT);
    }
    return 0;
}

}  // namespace idx::cli
