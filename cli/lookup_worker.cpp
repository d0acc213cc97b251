#include "lookup_worker.h"

#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "index_session.h"
#include "indexer/symbol_dictionary.h"
#include "symbol_command.h"

namespace idx::cli {
namespace {

// The dictionary the workers share (the watcher's anonymous memory goes
// from 8 to 162 MB with the Linux kernel's 2.2 million names): read on the
// first `sym` (that `sym` takes 0.71 s there; a `sym` on the
// other worker waits for it), and again once a rebuild has changed the
// dictionary's generation or the index file was replaced. An index without
// a generation (written by an older idx) is not held, and a load that
// failed is not tried again for the same file and generation: those
// lookups read SQLite.
class SharedDictionary {
public:
    std::shared_ptr<const indexer::DecodedDictionary> get(IndexSession& s, dev_t dev, ino_t ino) {
        auto gen = indexer::DecodedDictionary::current_generation(s.reader().db());
        if (!gen || *gen == 0) return nullptr;
        std::lock_guard lock(mu_);
        const bool same = dev_ == dev && ino_ == ino && generation_ == *gen;
        if (same && (names_ || failed_)) return names_;
        auto loaded = indexer::DecodedDictionary::load(s.reader().db());
        dev_ = dev;
        ino_ = ino;
        generation_ = *gen;
        failed_ = !loaded;
        names_ = loaded ? std::move(*loaded) : nullptr;  // on failure the lookup reports what is wrong
        return names_;
    }

private:
    std::mutex mu_;
    std::shared_ptr<const indexer::DecodedDictionary> names_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    int64_t generation_ = 0;
    bool failed_ = false;
};

class LookupWorker {
public:
    LookupWorker(std::string db_path, std::shared_ptr<SharedDictionary> dictionary)
        : db_path_(std::move(db_path)), dictionary_(std::move(dictionary)) {}

    int run(const LookupRequest& request, Streams io) {
        std::vector<const char*> argv{"idx"};
        for (const auto& a : request.args) argv.push_back(a.c_str());
        return run_lookup_command(static_cast<int>(argv.size()), argv.data(), io,
                                  [&] { return session_for(request); });
    }

private:
    // The kept session, placed for the client (its working directory and
    // root); opened anew when the index file is not the one it has open.
    Expected<IndexSession*> session_for(const LookupRequest& request) {
        indexer::IndexLocation where = request.where;
        where.db_path = db_path_;  // the same file (the server checked)
        struct stat st {};
        if (::stat(db_path_.c_str(), &st) != 0) return Error::from_errno(errno, db_path_);
        if (session_ && st.st_dev == dev_ && st.st_ino == ino_) {
            if (auto placed = session_->place(request.cwd, where); !placed) return std::move(placed).error();
            return &*session_;
        }
        session_.reset();
        auto opened = IndexSession::open(request.cwd, where);
        if (!opened) return std::move(opened).error();
        session_.emplace(std::move(*opened));
        dev_ = st.st_dev;
        ino_ = st.st_ino;
        session_->set_dictionary_source([this](IndexSession& s) { return dictionary_->get(s, dev_, ino_); });
        return &*session_;
    }

    std::string db_path_;
    std::shared_ptr<SharedDictionary> dictionary_;
    std::optional<IndexSession> session_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

}  // namespace

LookupServer::HandlerFactory lookup_handlers(std::string db_path) {
    auto dictionary = std::make_shared<SharedDictionary>();
    return [db = std::move(db_path), dictionary]() -> LookupServer::Handler {
        return [worker = std::make_shared<LookupWorker>(db, dictionary)](const LookupRequest& r, Streams io) {
            return worker->run(r, io);
        };
    };
}

}  // namespace idx::cli
