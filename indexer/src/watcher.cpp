#include "indexer/watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/lexical_path.h"
#include "ignore_stack.h"
#include "indexer/watch_channel.h"

namespace idx::indexer {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kTreeMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO |
                               IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW;
constexpr size_t kMaxClients = 64;
constexpr size_t kMaxRequest = 64;
constexpr auto kRetryDelay = std::chrono::seconds(1);

// A failed update worth trying again: the write lock held by another
// writer, a full disk. Anything else (not an index, wrong schema, read-only)
// will not fix itself.
bool retryable(const Error& e) { return e.kind == ErrorKind::kIo || e.kind == ErrorKind::kLimitExceeded; }

struct Client {
    UniqueFd fd;
    std::string request;
    Clock::time_point since;  // a client silent for kClientTimeout is dropped
};
constexpr auto kClientTimeout = std::chrono::seconds(2);

class Watcher final : public IndexObserver {
public:
    Watcher(const WatchOptions& o, WatchObserver& obs) : o_(o), obs_(obs) {}

    Expected<void> run();

    // IndexObserver, for the updates: progress and warnings pass through;
    // every directory the walk enters is watched before its files are read.
    void on_progress(const IndexProgress& p) override { obs_.on_progress(p); }
    void on_warning(const Error& e) override {
        walk_problems_.fetch_add(1, std::memory_order_relaxed);
        obs_.on_warning(e);
    }
    void on_dir(const std::string& fs_path) override {
        const int wd = ::inotify_add_watch(inotify_.get(), fs_path.c_str(), kTreeMask);
        std::lock_guard lock(mu_);
        if (wd >= 0) {
            tree_wds_.insert(wd);
        } else if (errno == ENOSPC || errno == ENOMEM) {
            watch_error_ = Error::io("cannot watch " + fs_path +
                                     ": the inotify watch limit is reached (raise fs.inotify.max_user_watches)");
        }
        // Other failures (the folder vanished) come back as events.
    }

private:
    Expected<void> setup();
    void watch_named(const std::string& dir, std::string name);
    void watch_outside();
    bool cancelled() const { return o_.index.cancel && o_.index.cancel->load(); }
    bool relevant(const inotify_event& e);
    void drain_events();
    void start_update();
    Expected<void> finish_update();
    void serve_client(Client& c);

    const WatchOptions& o_;
    WatchObserver& obs_;
    UniqueFd lock_, inotify_, listen_, wake_;
    std::string fingerprint_, db_base_;
    int db_dir_wd_ = -1;
    std::mutex mu_;  // guards named_, tree_wds_ and watch_error_ (walker threads)
    // Places outside the walk: the names whose events count there.
    std::unordered_map<int, std::set<std::string, std::less<>>> named_;
    std::unordered_set<int> tree_wds_;  // folders the walk entered
    std::optional<Error> watch_error_;
    // Problems the update's walk reported (unreadable folders, bad ignore
    // lines, a missing root): rg reports them on every search, so the index
    // is not vouched for until an update walks without any.
    std::atomic<uint64_t> walk_problems_{0};

    bool dirty_ = true;                 // a change the index may not hold yet
    Clock::time_point quiet_since_{};   // the last change (updates wait `settle` after it)
    int64_t clean_ns_ = 0;              // > 0: the index matches the tree (its updated_ns)
    std::thread worker_;
    bool running_ = false;
    std::optional<Expected<IndexStats>> result_;
    std::string last_retry_;
    std::vector<Client> clients_;
};

Expected<void> Watcher::setup() {
    const std::string lock_path = watch_lock_path(o_.index.db_path);
    lock_ = UniqueFd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!lock_) return Error::from_errno(errno, lock_path);
    if (::flock(lock_.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) return Error::io("another idx watch is already keeping " + o_.index.db_path + " current");
        return Error::from_errno(errno, lock_path);
    }
    inotify_ = UniqueFd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify_) return Error::from_errno(errno, "inotify_init1");
    wake_ = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!wake_) return Error::from_errno(errno, "eventfd");
    fingerprint_ = watch_fingerprint(o_.index.walk, o_.index.root);

    // The index's own files may live in a walked folder ($IDX_DB): their
    // writes are not changes of the tree.
    db_base_ = std::string(basename_of(o_.index.db_path));
    db_dir_wd_ = ::inotify_add_watch(inotify_.get(), dirname_of(o_.index.db_path).c_str(), kTreeMask);

    watch_outside();
    auto sock = listen_watch_socket(o_.index.db_path);
    if (!sock) return std::move(sock).error();
    listen_ = std::move(*sock);
    return {};
}

// Watches `dir` (if it exists) for events on entries named `name`.
void Watcher::watch_named(const std::string& dir, std::string name) {
    const int wd = ::inotify_add_watch(inotify_.get(), dir.c_str(), kTreeMask);
    std::lock_guard lock(mu_);
    if (wd >= 0) named_[wd].insert(std::move(name));
}

// The places outside the walk whose files decide what it yields: the
// root's own entry in its parent (a root removed and made again), ignore
// files in the folders above the root and the git directories there
// (info/exclude), and git's global excludes and config. Called before each
// update, so that folders made since get their watches.
void Watcher::watch_outside() {
    const std::string& root = o_.index.root;
    if (root != "/") watch_named(dirname_of(root), std::string(basename_of(root)));
    const IgnoreOptions& ig = o_.index.walk.ignore;
    auto watch_git = [&](const std::string& dir) {
        watch_named(dir, ".git");
        if (const std::string git = git_common_dir(dir); !git.empty()) {
            watch_named(git + "/info", "exclude");
            watch_named(git, "info");
        }
    };
    watch_git(root);
    if (!ig.no_ignore_parent) {
        for (std::string dir = root; dir != "/";) {
            dir = dirname_of(dir);
            for (const char* n : {".gitignore", ".ignore", ".rgignore"}) watch_named(dir, n);
            watch_git(dir);
        }
    }
    if (!ig.no_ignore_global && !ig.no_ignore_vcs) {
        const char* home_env = std::getenv("HOME");
        const std::string home = home_env ? home_env : "";
        if (!home.empty()) watch_named(home, ".gitconfig");
        const char* xdg_env = std::getenv("XDG_CONFIG_HOME");
        const std::string xdg = xdg_env && *xdg_env ? xdg_env : home.empty() ? "" : home + "/.config";
        if (!xdg.empty()) {
            watch_named(xdg + "/git", "config");
            watch_named(xdg + "/git", "ignore");
            watch_named(xdg, "git");
        }
        if (const std::string g = global_excludes_path(); !g.empty()) watch_named(dirname_of(g), std::string(basename_of(g)));
    }
}

bool Watcher::relevant(const inotify_event& e) {
    if (e.mask & IN_Q_OVERFLOW) return true;  // events were lost: assume anything changed
    if (e.mask & IN_IGNORED) {                // the watch is gone (its folder was deleted or moved away)
        std::lock_guard lock(mu_);
        tree_wds_.erase(e.wd);
        named_.erase(e.wd);
        return false;
    }
    const std::string_view name = e.len > 0 ? std::string_view(e.name) : std::string_view();
    if (e.wd == db_dir_wd_) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal", "-watch.sock", "-watch.lock", "-lookup.sock"}) {
            if (name == db_base_ + suffix) return false;
        }
    }
    std::lock_guard lock(mu_);
    if (tree_wds_.count(e.wd) > 0) return true;
    auto it = named_.find(e.wd);
    return it != named_.end() && it->second.count(name) > 0;
}

void Watcher::drain_events() {
    alignas(inotify_event) char buf[64 * 1024];
    while (true) {
        const ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // EAGAIN: the queue is empty
        for (ssize_t off = 0; off < n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(buf + off);
            if (relevant(*e)) {
                dirty_ = true;
                clean_ns_ = 0;
                quiet_since_ = Clock::now();
            }
            off += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        }
    }
}

void Watcher::start_update() {
    dirty_ = false;
    running_ = true;
    walk_problems_.store(0);
    watch_outside();  // folders created since (.git/info, ~/.config/git) get their watches
    worker_ = std::thread([this] {
        result_ = build_index(o_.index, this);
        const uint64_t one = 1;
        (void)!::write(wake_.get(), &one, sizeof one);
    });
}

Expected<void> Watcher::finish_update() {
    worker_.join();
    running_ = false;
    uint64_t count = 0;
    (void)!::read(wake_.get(), &count, sizeof count);
    Expected<IndexStats> r = std::move(*result_);
    result_.reset();
    {
        std::lock_guard lock(mu_);
        if (watch_error_) return *watch_error_;
    }
    if (!r) {
        if (cancelled()) return {};
        if (!retryable(r.error())) return std::move(r).error();
        if (r.error().message != last_retry_) obs_.on_retry(r.error());
        last_retry_ = r.error().message;
        dirty_ = true;
        clean_ns_ = 0;
        quiet_since_ = Clock::now() + kRetryDelay;
        return {};
    }
    last_retry_.clear();
    drain_events();  // a change queued while the update ran keeps the index dirty
    if (!dirty_ && !r->symbols_interrupted && walk_problems_.load() == 0) clean_ns_ = r->updated_ns;
    obs_.on_update(*r, clean_ns_ > 0);
    return {};
}

void Watcher::serve_client(Client& c) {
    char buf[kMaxRequest];
    const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        c.fd.reset();
        return;
    }
    c.request.append(buf, static_cast<size_t>(n));
    const auto nl = c.request.find('\n');
    if (nl == std::string::npos) {
        if (c.request.size() >= kMaxRequest) c.fd.reset();
        return;
    }
    if (c.request.substr(0, nl) == "sync") {
        drain_events();  // every change finished before the client asked is queued by now
        WatcherReport report;
        report.clean = clean_ns_ > 0 && !running_;
        report.updated_ns = clean_ns_;
        report.fingerprint = fingerprint_;
        const std::string reply = format_watch_reply(report);
        (void)::send(c.fd.get(), reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    c.fd.reset();
}

Expected<void> Watcher::run() {
    if (auto r = setup(); !r) return r;
    obs_.on_listening();
    Expected<void> outcome;
    while (!cancelled()) {
        drain_events();
        const auto now = Clock::now();
        if (dirty_ && !running_ && now - quiet_since_ >= o_.settle) start_update();
        int timeout_ms = 500;  // to notice the cancel flag
        if (dirty_ && !running_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(quiet_since_ + o_.settle - now);
            timeout_ms = static_cast<int>(std::clamp<int64_t>(left.count() + 1, 1, 500));
        }
        std::vector<pollfd> fds{{inotify_.get(), POLLIN, 0}, {listen_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
        for (auto& c : clients_) fds.push_back({c.fd.get(), POLLIN, 0});
        const int n = ::poll(fds.data(), fds.size(), timeout_ms);
        if (n < 0) {
            if (errno == EINTR) continue;
            outcome = Error::from_errno(errno, "poll");
            break;
        }
        if (fds[2].revents & POLLIN) {
            if (outcome = finish_update(); !outcome) break;
        }
        for (size_t i = 0; i < clients_.size(); ++i) {
            if (fds[3 + i].revents & (POLLIN | POLLHUP | POLLERR)) serve_client(clients_[i]);
        }
        const auto later = Clock::now();
        std::erase_if(clients_, [&](const Client& c) { return !c.fd || later - c.since > kClientTimeout; });
        if (fds[1].revents & POLLIN) {
            while (true) {
                UniqueFd fd(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
                if (!fd) {
                    // Out of descriptors: the listener stays readable, so
                    // wait instead of spinning on it.
                    if (errno == EMFILE || errno == ENFILE) ::poll(nullptr, 0, 50);
                    break;
                }
                if (clients_.size() < kMaxClients) clients_.push_back({std::move(fd), {}, later});
            }
        }
    }
    if (running_) (void)finish_update();
    ::unlink(watch_socket_path(o_.index.db_path).c_str());
    return outcome;
}

}  // namespace

Expected<void> watch(const WatchOptions& options, WatchObserver& observer) {
    Watcher w(options, observer);
    return w.run();
}

}  // namespace idx::indexer
