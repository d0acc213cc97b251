#include "watch_command.h"

#include <csignal>
#include <cstdio>
#include <memory>

#include "index_command.h"
#include "indexer/watcher.h"
#include "lookup_server.h"
#include "lookup_worker.h"
#include "stop_signals.h"

namespace idx::cli {
namespace {

// Lookups served at once; more wait in the socket's backlog.
constexpr size_t kLookupWorkers = 2;

// One line per update that changed something (and for the first one).
class WatchPrinter final : public indexer::WatchObserver {
public:
    explicit WatchPrinter(std::string db_path) : db_path_(std::move(db_path)) {}

    // The lookup server starts once the watcher holds the index's lock.
    void on_listening() override {
        auto server = LookupServer::start(db_path_, kLookupWorkers, lookup_handlers(db_path_));
        if (!server) {
            std::fprintf(stderr, "idx watch: lookups will run without the watcher: %s\n", server.error().message.c_str());
            return;
        }
        lookups_ = std::move(*server);
    }
    void on_progress(const indexer::IndexProgress& p) override { progress_.on_progress(p); }
    void on_warning(const Error& e) override { progress_.on_warning(e); }
    void on_update(const indexer::IndexStats& s, bool clean) override {
        progress_.finish();
        const bool changed = s.added + s.changed + s.deleted > 0;
        if (first_ || changed || !clean) {
            std::fprintf(stderr, "idx watch: %llu files (%llu added, %llu changed, %llu deleted) in %.2f s; %s\n",
                         (unsigned long long)s.files, (unsigned long long)s.added, (unsigned long long)s.changed,
                         (unsigned long long)s.deleted, s.seconds,
                         clean ? "the index is current: searches at the root skip their walk"
                               : "more changes came meanwhile, updating again");
        }
        first_ = false;
    }
    void on_retry(const Error& e) override {
        progress_.finish();
        std::fprintf(stderr, "idx watch: update failed, retrying: %s\n", e.message.c_str());
    }
    void finish() {
        progress_.finish();
        if (!lookups_) return;
        lookups_->stop();  // ends and waits for the lookups in flight
        const uint64_t served = lookups_->served();
        lookups_.reset();
        if (served > 0) std::fprintf(stderr, "idx watch: answered %llu lookups\n", (unsigned long long)served);
    }

private:
    std::string db_path_;
    std::unique_ptr<LookupServer> lookups_;
    ProgressObserver progress_{"watch"};
    bool first_ = true;
};

}  // namespace

WatchCommand::WatchCommand(CLI::App& parent, bool with_options) {
    cmd_ = parent.add_subcommand("watch", "Keep the index current as files change, so searches skip their walk");
    if (!with_options) return;
    cmd_->add_option("path", path_, "The tree to watch (default: current directory)")->type_name("PATH");
    cmd_->add_option("--db", db_, "The index file (default: PATH/.idx/index.db, or $IDX_DB)")->type_name("FILE");
    cmd_->add_flag("--no-symbols", no_symbols_, "Keep only the content index current (no symbol pass)");
    cmd_->add_option("--settle-ms", settle_ms_, "Quiet time after a change before updating (default 100)")
        ->type_name("MS")
        ->check(CLI::Range(0, 60000));
    walk_.add_to(*cmd_);
    cmd_->footer(
        "Examples:\n"
        "  idx watch &               keep ./.idx/index.db current while you work\n"
        "  idx search foo            at the root: no walk while the index is current\n"
        "  idx search --explain foo  says whether idx watch vouches for the index\n");
}

int WatchCommand::run() {
    auto target = index_target("watch", path_, db_, walk_);
    if (!target) return 2;
    indexer::WatchOptions o;
    o.index = std::move(*target);
    o.index.symbols = !no_symbols_;
    o.index.cancel = &install_stop_signals();
    // Lookups write to their clients' terminals: a background watcher must
    // get EIO there under `stty tostop`, not be stopped (and its clients
    // left waiting).
    std::signal(SIGTTOU, SIG_IGN);
    o.settle = std::chrono::milliseconds(settle_ms_);
    WatchPrinter printer(o.index.db_path);
    auto r = indexer::watch(o, printer);
    printer.finish();
    if (!r) {
        std::fprintf(stderr, "idx watch: %s\n", r.error().message.c_str());
        return 2;
    }
    return 0;
}

}  // namespace idx::cli
