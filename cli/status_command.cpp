#include "status_command.h"
#include "parse_args.h"

#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <ctime>

#include "common/json_writer.h"
#include "indexer/index_status.h"

namespace idx::cli {
namespace {

std::string when(int64_t ns) {
    if (ns == 0) return "never";
    std::time_t t = static_cast<std::time_t>(ns / 1000000000);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&t));
    return buf;
}

void print_list(const char* title, const std::vector<std::string>& v, size_t limit) {
    if (v.empty()) return;
    std::printf("%s (%zu):\n", title, v.size());
    for (size_t i = 0; i < v.size() && i < limit; ++i) std::printf("  %s\n", v[i].c_str());
    if (v.size() > limit) std::printf("  ... %zu more (--limit N)\n", v.size() - limit);
}

}  // namespace

StatusCommand::StatusCommand(CLI::App& parent, bool with_options) {
    cmd_ = parent.add_subcommand("status", "Show what the index holds, what it skipped, and what changed since");
    if (!with_options) return;
    cmd_->add_flag("--json", json_, "Print the status as JSON");
    cmd_->add_flag("--no-check", no_check_, "Do not walk the tree to list changed files");
    cmd_->add_option("--limit", limit_, "List at most N paths per section (text output)")->check(count_check());
    walk_.add_to(*cmd_);
}

int StatusCommand::run() {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) {
        std::perror("idx status: getcwd");
        return 2;
    }
    auto where = indexer::find_index(cwd);
    if (!where) {
        std::fprintf(stderr, "idx status: no index found in %s or above (run `idx index`)\n", cwd);
        return 2;
    }
    auto walk = walk_.to_options();
    if (!walk) {
        std::fprintf(stderr, "idx status: %s\n", walk.error().message.c_str());
        return 2;
    }
    auto s = indexer::read_status(*where, *walk, !no_check_);
    if (!s) {
        std::fprintf(stderr, "idx status: %s\n", s.error().message.c_str());
        return 2;
    }
    if (json_) {
        JsonWriter j;
        j.begin_object().field("db", s->db_path).field("root", s->root).field("db_bytes", s->db_bytes);
        j.field("updated_ns", s->updated_ns).field("files", s->files).field("content_indexed", s->content_indexed);
        j.field("segments", s->segments).field("postings", s->pairs);
        j.key("symbols").begin_object().field("done", s->symbols_done).field("pending", s->symbols_pending);
        j.field("skipped", s->symbols_skipped).end_object();
        j.key("skipped").begin_array();
        for (const auto& f : s->skipped) j.begin_object().field("path", f.path).field("reason", f.reason).end_object();
        j.end_array();
        if (s->freshness_checked) {
            j.key("changed_since").begin_object();
            for (auto [name, v] : {std::pair{"modified", &s->modified}, {"added", &s->added}, {"deleted", &s->deleted}}) {
                j.key(name).begin_array();
                for (const auto& p : *v) j.value(p);
                j.end_array();
            }
            j.end_object();
        }
        j.end_object();
        std::printf("%s\n", j.str().c_str());
        return 0;
    }
    std::printf("index:    %s (%.1f MB)\n", s->db_path.c_str(), static_cast<double>(s->db_bytes) / 1e6);
    std::printf("root:     %s\n", s->root.c_str());
    std::printf("updated:  %s\n", when(s->updated_ns).c_str());
    std::printf("files:    %llu (%llu content-indexed, %zu skipped or partial)\n", (unsigned long long)s->files,
                (unsigned long long)s->content_indexed, s->skipped.size());
    std::printf("postings: %llu in %llu segment(s)\n", (unsigned long long)s->pairs, (unsigned long long)s->segments);
    std::printf("symbols:  %llu done, %llu pending, %llu skipped\n", (unsigned long long)s->symbols_done,
                (unsigned long long)s->symbols_pending, (unsigned long long)s->symbols_skipped);
    if (!s->skipped.empty()) {
        std::printf("skipped (%zu):\n", s->skipped.size());
        for (size_t i = 0; i < s->skipped.size() && i < limit_; ++i) {
            std::printf("  %s: %s\n", s->skipped[i].path.c_str(), s->skipped[i].reason.c_str());
        }
        if (s->skipped.size() > limit_) std::printf("  ... %zu more (--limit N)\n", s->skipped.size() - limit_);
    }
    if (s->freshness_checked) {
        const size_t changed = s->modified.size() + s->added.size() + s->deleted.size();
        if (changed == 0) {
            std::printf("fresh:    no file changed since the last update\n");
        } else {
            std::printf("stale:    %zu file(s) changed since the last update (searches still see them; run `idx index`)\n",
                        changed);
            print_list("modified", s->modified, limit_);
            print_list("added", s->added, limit_);
            print_list("deleted", s->deleted, limit_);
        }
    }
    return 0;
}

}  // namespace idx::cli
