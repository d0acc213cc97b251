#include "watch_command.h"

#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>

#include "index_command.h"
#include "index_session.h"
#include "indexer/watcher.h"
#include "lookup_server.h"
#include "stop_signals.h"
#include "symbol_command.h"

namespace idx::cli {
namespace {

// Lookups served at once; more wait in the socket's backlog.
constexpr size_t kLookupWorkers = 2;

// The dictionary the lookup workers share (~75 MB for the Linux kernel):
// read on the first `sym` (its load, ~1 s there, holds the other worker's
// `sym` too), and again once a rebuild has changed the dictionary's
// generation or the index file was replaced. An index without a
// generation (written by an older idx) is not held, and a load that failed
// is not tried again for the same file and generation: those lookups read
// SQLite.
class SharedDictionary {
public:
    std::shared_ptr<const indexer::DictionaryBlocks> get(IndexSession& s, dev_t dev, ino_t ino) {
        auto gen = indexer::DictionaryBlocks::current_generation(s.reader().db());
        if (!gen || *gen == 0) return nullptr;
        std::lock_guard lock(mu_);
        const bool same = dev_ == dev && ino_ == ino && generation_ == *gen;
        if (same && (blocks_ || failed_)) return blocks_;
        auto loaded = indexer::DictionaryBlocks::load(s.reader().db());
        dev_ = dev;
        ino_ = ino;
        generation_ = *gen;
        failed_ = !loaded;
        blocks_ = loaded ? std::move(*loaded) : nullptr;  // on failure the lookup reports what is wrong
        return blocks_;
    }

private:
    std::mutex mu_;
    std::shared_ptr<const indexer::DictionaryBlocks> blocks_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    int64_t generation_ = 0;
    bool failed_ = false;
};

// One lookup server worker's handler: runs a client's lookup over a
// session it keeps open, so the index's pages stay mapped between lookups.
// The session is opened again when the index file is replaced (a rebuild
// with --out renames a new file into place).
class LookupWorker {
public:
    LookupWorker(std::string db_path, std::shared_ptr<SharedDictionary> dictionary)
        : db_path_(std::move(db_path)), dictionary_(std::move(dictionary)) {}

    int operator()(const LookupRequest& request, Streams io) {
        std::vector<const char*> argv{"idx"};
        for (const auto& a : request.args) argv.push_back(a.c_str());
        return run_lookup_command(static_cast<int>(argv.size()), argv.data(), io,
                                  [&]() -> Expected<IndexSession*> {
                                      indexer::IndexLocation where = request.where;
                                      where.db_path = db_path_;  // the same file (the server checked)
                                      struct stat st {};
                                      if (::stat(db_path_.c_str(), &st) != 0) return Error::from_errno(errno, db_path_);
                                      if (session_ && st.st_dev == dev_ && st.st_ino == ino_) {
                                          if (auto placed = session_->place(request.cwd, where); !placed) {
                                              return std::move(placed).error();
                                          }
                                          return &*session_;
                                      }
                                      session_.reset();
                                      auto opened = IndexSession::open(request.cwd, where);
                                      if (!opened) return std::move(opened).error();
                                      session_.emplace(std::move(*opened));
                                      dev_ = st.st_dev;
                                      ino_ = st.st_ino;
                                      session_->set_dictionary_source([this](IndexSession& s) {
                                          return dictionary_->get(s, dev_, ino_);
                                      });
                                      return &*session_;
                                  });
    }

private:
    std::string db_path_;
    std::shared_ptr<SharedDictionary> dictionary_;
    std::optional<IndexSession> session_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

// One line per update that changed something (and for the first one).
class WatchPrinter final : public indexer::WatchObserver {
public:
    explicit WatchPrinter(std::string db_path) : db_path_(std::move(db_path)) {}

    // The lookup server starts once the watcher holds the index's lock.
    void on_listening() override {
        auto dictionary = std::make_shared<SharedDictionary>();
        auto server = LookupServer::start(db_path_, kLookupWorkers, [db = db_path_, dictionary]() -> LookupServer::Handler {
            return [worker = std::make_shared<LookupWorker>(db, dictionary)](const LookupRequest& r, Streams io) {
                return (*worker)(r, io);
            };
        });
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
