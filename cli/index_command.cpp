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

namespace idx::cli {
namespace {

std::atomic<bool> g_cancel{false};
std::atomic<int> g_signal{0};  // the signal that stopped the run: exit 128 + it, as a shell reports it
extern "C" void on_signal(int sig) {
    g_signal.store(sig);
    g_cancel.store(true);
}

class Observer final : public indexer::IndexObserver {
public:
    void on_progress(const indexer::IndexProgress& p) override {
        std::lock_guard lock(mu_);
        bar_.update(p.phase, p.files_done, p.files_total, p.bytes_done, p.bytes_total);
    }
    void on_warning(const Error& e) override {
        std::lock_guard lock(mu_);
        bar_.finish();
        std::fprintf(stderr, "idx index: warning: %s\n", e.message.c_str());
    }
    void finish() { bar_.finish(); }

private:
    std::mutex mu_;
    ProgressBar bar_;
};

std::string human_bytes(uint64_t b) {
    char buf[32];
    if (b >= (uint64_t{1} << 30)) std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(b) / (1 << 30));
    else if (b >= (uint64_t{1} << 20)) std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1 << 20));
    else std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(b) / 1024);
    return buf;
}

}  // namespace

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

int IndexCommand::run() {
    char* root_c = ::realpath(path_.c_str(), nullptr);
    if (root_c == nullptr) {
        std::fprintf(stderr, "idx index: %s: %s\n", path_.c_str(), std::strerror(errno));
        return 2;
    }
    std::string root = root_c;
    std::free(root_c);
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        std::fprintf(stderr, "idx index: %s: not a directory\n", path_.c_str());
        return 2;
    }
    auto walk = walk_.to_options();
    if (!walk) {
        std::fprintf(stderr, "idx index: %s\n", walk.error().message.c_str());
        return 2;
    }
    indexer::IndexOptions o;
    o.root = root;
    o.db_path = db_.empty() ? indexer::location_for_root(root).db_path : db_;
    o.rebuild = rebuild_;
    o.walk = *walk;
    o.cancel = &g_cancel;
    o.symbols = !no_symbols_;
    o.out_path = out_;
    if (db_.empty() && std::getenv("IDX_DB") == nullptr) {
        std::string dir = root + "/.idx";
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
            std::fprintf(stderr, "idx index: cannot create %s: %s\n", dir.c_str(), std::strerror(errno));
            return 2;
        }
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    // Past a file size limit (ulimit -f), a write should fail with EFBIG and
    // roll back like a full disk, not kill the process mid-transaction.
    std::signal(SIGXFSZ, SIG_IGN);
    Observer observer;
    auto stats = indexer::build_index(o, &observer);
    observer.finish();
    // The handlers stay until exit: a signal now, with the work done, is
    // ignored rather than turned into a death by signal.
    if (!stats) {
        std::fprintf(stderr, "idx index: %s\n", stats.error().message.c_str());
        return g_cancel.load() ? 128 + g_signal.load() : 2;
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
        return 128 + (g_signal.load() != 0 ? g_signal.load() : SIGINT);
    }
    return 0;
}

}  // namespace idx::cli
