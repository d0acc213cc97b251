#include "indexer/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstring>
#include <memory>
#include <tbb/parallel_for_each.h>
#include <tbb/task_arena.h>
#include <vector>

#include "common/unique_handle.h"
#include "ignore_stack.h"

namespace idx::indexer {
namespace {

using Dir = UniqueHandle<DIR, &::closedir>;

// ripgrep prints io errors as "<path>: <strerror> (os error N)".
Error os_error(const std::string& path, int err) {
    Error e = Error::from_errno(err, path);
    e.message += " (os error " + std::to_string(err) + ")";
    return e;
}

// A directory on the path from a root, for -L loop detection.
struct Ancestor {
    std::shared_ptr<const Ancestor> parent;
    dev_t dev;
    ino_t ino;
    std::string path;
};

struct DirWork {
    std::string path;  // as displayed in errors; "./" for the implicit root
    size_t depth = 0;
    std::shared_ptr<const IgnoreNode> parent_node;
    std::shared_ptr<const Ancestor> ancestors;
    size_t root_prefix = 0;  // bytes of `path` before the root-relative part
    bool strip_dot = false;  // the implicit root: print paths without "./"
};

struct RawEntry {
    std::string name;
    unsigned char type;
    ino_t ino;
};

std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty()) return name;
    if (dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

class Walker {
public:
    bool cancelled() const { return o_.cancel && o_.cancel->load(std::memory_order_relaxed); }

    Walker(const WalkOptions& o, const IgnoreStack& s, WalkSink& sink) : o_(o), stack_(s), sink_(sink) {
        if (!o.base_dir.empty() && o.paths.empty()) base_ = o.base_dir + "/";
    }

    // Where a displayed path really is: relative paths are under base_dir.
    std::string fs_path(const std::string& shown) const {
        return base_.empty() || (!shown.empty() && shown.front() == '/') ? shown : base_ + shown;
    }

    void run_root(const std::string& root, bool implicit, std::vector<DirWork>& work) {
        const std::string path = implicit ? "./" : root;
        struct stat st {};
        if (::stat(fs_path(path).c_str(), &st) != 0) {
            error(os_error(root, errno), true);
            return;
        }
        if (!S_ISDIR(st.st_mode)) {
            FileEntry e;
            e.path = root;
            e.inode = st.st_ino;
            e.size = static_cast<uint64_t>(st.st_size);
            e.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
            e.has_metadata = true;
            e.is_explicit = true;
            auto slash = root.rfind('/');
            e.lang = detect_lang(slash == std::string::npos ? root : root.substr(slash + 1));
            files_.fetch_add(1, std::memory_order_relaxed);
            sink_.on_file(std::move(e));
            return;
        }
        DirWork w;
        w.path = path;
        w.root_prefix = path.back() == '/' ? path.size() : path.size() + 1;
        w.strip_dot = implicit;
        char* abs = ::realpath(fs_path(path).c_str(), nullptr);
        if (abs != nullptr) {
            std::vector<Error> warnings;
            w.parent_node = stack_.parents(abs, &warnings);
            for (auto& e : warnings) error(e, false);
            std::free(abs);
        }
        if (o_.follow_links) w.ancestors = std::make_shared<Ancestor>(Ancestor{nullptr, st.st_dev, st.st_ino, path});
        work.push_back(std::move(w));
    }

    void visit_dir(DirWork& w, tbb::feeder<DirWork>& feeder) {
        if (cancelled()) return;
        dirs_.fetch_add(1, std::memory_order_relaxed);
        int fd = ::open(fs_path(w.path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            error(os_error(w.path, errno), true);
            return;
        }
        Dir dir(::fdopendir(fd));
        if (!dir) {
            int err = errno;
            ::close(fd);
            error(os_error(w.path, err), true);
            return;
        }
        sink_.on_dir(fs_path(w.path));
        std::vector<RawEntry> entries;
        DirIgnoreFiles files;
        errno = 0;
        while (struct dirent* d = ::readdir(dir.get())) {
            const char* n = d->d_name;
            if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'))) continue;
            if (n[0] == '.') {
                if (std::strcmp(n, ".gitignore") == 0) files.gitignore = true;
                else if (std::strcmp(n, ".ignore") == 0) files.dotignore = true;
                else if (std::strcmp(n, ".rgignore") == 0) files.rgignore = true;
                else if (std::strcmp(n, ".git") == 0) files.git = true;
            }
            entries.push_back({n, d->d_type, d->d_ino});
        }
        const int dfd = ::dirfd(dir.get());
        const std::string rel_dir = w.path.size() > w.root_prefix ? w.path.substr(w.root_prefix) : std::string();
        std::vector<Error> warnings;
        const std::string dir_path = w.path == "./" ? (base_.empty() ? std::string() : o_.base_dir) : fs_path(w.path);
        auto node = stack_.child(w.parent_node, dir_path, rel_dir.size(), files, &warnings);
        for (auto& e : warnings) error(e, false);

        const size_t depth = w.depth + 1;
        if (o_.max_depth && depth > *o_.max_depth) return;
        for (RawEntry& e : entries) visit_entry(w, dfd, node, rel_dir, depth, e, feeder);
    }

    void visit_entry(const DirWork& w, int dfd, const std::shared_ptr<const IgnoreNode>& node,
                     const std::string& rel_dir, size_t depth, RawEntry& e, tbb::feeder<DirWork>& feeder) {
        std::string path = join(w.path, e.name);
        std::string rel = rel_dir.empty() ? e.name : rel_dir + "/" + e.name;
        struct stat st {};
        bool have_stat = false;
        unsigned char type = e.type;
        if (type == DT_UNKNOWN) {
            if (::fstatat(dfd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;  // vanished
            have_stat = true;
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        bool via_link = false;
        if (type == DT_LNK) {
            if (!o_.follow_links) return;  // ripgrep skips symlinks unless -L
            if (::fstatat(dfd, e.name.c_str(), &st, 0) != 0) {
                error(os_error(path, errno), true);
                return;
            }
            have_stat = true;
            via_link = true;
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        const bool is_dir = type == DT_DIR;
        if (is_dir && e.name == ".idx") return;  // idx's own index folder is never walked
        if (stack_.should_skip(node.get(), path, rel, e.name, is_dir)) return;

        if (is_dir) {
            DirWork child;
            if (o_.follow_links) {
                if (!have_stat && ::fstatat(dfd, e.name.c_str(), &st, 0) != 0) return;
                if (via_link) {
                    for (const Ancestor* a = w.ancestors.get(); a != nullptr; a = a->parent.get()) {
                        if (a->dev == st.st_dev && a->ino == st.st_ino) {
                            error(Error::io("File system loop found: " + path + " points to an ancestor " + a->path),
                                  true);
                            return;
                        }
                    }
                }
                child.ancestors = std::make_shared<Ancestor>(Ancestor{w.ancestors, st.st_dev, st.st_ino, path});
            }
            child.path = std::move(path);
            child.depth = depth;
            child.parent_node = node;
            child.root_prefix = w.root_prefix;
            child.strip_dot = w.strip_dot;
            feeder.add(std::move(child));
            return;
        }
        if (type != DT_REG) return;  // fifos, sockets, devices
        if (o_.want_metadata || o_.max_filesize) {
            if (!have_stat && ::fstatat(dfd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;  // vanished
            have_stat = true;
            if (o_.max_filesize && static_cast<uint64_t>(st.st_size) > *o_.max_filesize) return;
        }
        FileEntry f;
        f.lang = detect_lang(e.name);
        f.path = w.strip_dot ? path.substr(2) : std::move(path);
        f.inode = have_stat ? st.st_ino : e.ino;
        if (have_stat) {
            f.size = static_cast<uint64_t>(st.st_size);
            f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
            f.has_metadata = true;
        }
        files_.fetch_add(1, std::memory_order_relaxed);
        if (!cancelled()) sink_.on_file(std::move(f));
    }

    void error(const Error& e, bool fatal) {
        if (fatal) errors_.fetch_add(1, std::memory_order_relaxed);
        sink_.on_error(e, fatal);
    }

    WalkStats stats() const { return {files_.load(), dirs_.load(), errors_.load()}; }

private:
    const WalkOptions& o_;
    const IgnoreStack& stack_;
    WalkSink& sink_;
    std::string base_;  // base_dir + "/", or empty
    std::atomic<uint64_t> files_{0}, dirs_{0}, errors_{0};
};

}  // namespace

Expected<WalkStats> walk(const WalkOptions& options, WalkSink& sink) {
    std::vector<Error> warnings;
    auto stack = IgnoreStack::build(options, &warnings);
    if (!stack) return std::move(stack).error();
    for (const Error& e : warnings) sink.on_error(e, false);

    Walker walker(options, *stack, sink);
    std::vector<DirWork> work;
    if (options.paths.empty()) {
        walker.run_root(".", true, work);
    } else {
        for (const std::string& p : options.paths) walker.run_root(p, false, work);
    }
    auto body = [&](DirWork& w, tbb::feeder<DirWork>& feeder) { walker.visit_dir(w, feeder); };
    if (options.threads > 0) {
        tbb::task_arena arena(static_cast<int>(options.threads));
        arena.execute([&] { tbb::parallel_for_each(work.begin(), work.end(), body); });
    } else {
        tbb::parallel_for_each(work.begin(), work.end(), body);
    }
    return walker.stats();
}

}  // namespace idx::indexer
