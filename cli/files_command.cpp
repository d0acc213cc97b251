#include "files_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <tbb/enumerable_thread_specific.h>

#include "indexer/file_types.h"
#include "indexer/walker.h"
#include "output.h"
#include "indexer/path_order.h"

namespace idx::cli {
namespace {

// Prints paths as the walker finds them, batching each thread's output so
// that lines never interleave. With `sorted`, collects and sorts first.
class PathSink final : public indexer::WalkSink {
public:
    PathSink(Output& out, bool sorted, char terminator) : out_(out), sorted_(sorted), term_(terminator) {}

    void on_file(indexer::FileEntry&& e) override {
        any_ = true;
        if (sorted_) {
            paths_.local().push_back(std::move(e.path));
            return;
        }
        std::string& buf = bufs_.local();
        buf += e.path;
        buf += term_;
        if (buf.size() >= (1 << 15)) {
            std::lock_guard lock(mu_);
            out_.write(buf);
            buf.clear();
        }
    }

    void on_error(const Error& error, bool) override {
        std::lock_guard lock(mu_);
        std::fprintf(stderr, "%s\n", error.message.c_str());
    }

    void finish() {
        if (sorted_) {
            std::vector<std::string> all;
            for (auto& v : paths_) all.insert(all.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
            std::sort(all.begin(), all.end(), indexer::path_less);
            for (const auto& p : all) {
                out_.write(p);
                out_.write(std::string_view(&term_, 1));
            }
        } else {
            for (auto& buf : bufs_) out_.write(buf);
        }
        out_.flush();
    }

    bool any() const { return any_; }

private:
    Output& out_;
    bool sorted_;
    char term_;
    std::mutex mu_;
    std::atomic<bool> any_{false};
    tbb::enumerable_thread_specific<std::string> bufs_;
    tbb::enumerable_thread_specific<std::vector<std::string>> paths_;
};

}  // namespace

FilesCommand::FilesCommand(CLI::App& parent, bool with_options) {
    cmd_ = parent.add_subcommand("files", "List the files idx would search (like rg --files)");
    if (!with_options) return;
    cmd_->add_option("path", paths_, "Files or directories to walk (default: current directory)")->type_name("PATH");
    cmd_->add_option("--sort", sort_, "Sort output: 'path' or 'none'")->check(CLI::IsMember({"path", "none"}));
    cmd_->add_flag("-0,--null", null_, "End each path with NUL instead of a newline");
    cmd_->add_flag("--type-list", type_list_, "Show every file type and its globs, then exit");
    walk_.add_to(*cmd_);
    cmd_->footer(
        "Examples:\n"
        "  idx files                      every file ripgrep would search here\n"
        "  idx files -t c -g '!*test*'    C files, except those matching *test*\n"
        "  idx files --hidden --no-ignore src\n");
}

int FilesCommand::run() {
    Output out(STDOUT_FILENO);
    if (type_list_) {
        for (const auto& line : indexer::TypeMatcher::list()) {
            out.write(line);
            out.write("\n");
        }
        return 0;
    }
    auto options = walk_.to_options();
    if (!options) {
        std::fprintf(stderr, "idx files: %s\n", options.error().message.c_str());
        return 2;
    }
    options->paths = paths_;
    PathSink sink(out, sort_ == "path", null_ ? '\0' : '\n');
    auto stats = indexer::walk(*options, sink);
    if (!stats) {
        std::fprintf(stderr, "idx files: %s\n", stats.error().message.c_str());
        return 2;
    }
    sink.finish();
    if (stats->errors > 0) return 2;
    return sink.any() ? 0 : 1;
}

}  // namespace idx::cli
