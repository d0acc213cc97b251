// `idx index [PATH] [--db FILE] [--rebuild] [--json]`: build or update the index.
#pragma once

#include <CLI/CLI.hpp>
#include <mutex>
#include <optional>
#include <string>

#include "indexer/index_builder.h"
#include "progress_bar.h"
#include "walk_flags.h"

namespace idx::cli {

// The index options for `idx index` and `idx watch` on `path`: its real
// path, the index file (--db, $IDX_DB, or PATH/.idx/index.db, whose folder
// it creates) and the walk flags. On a problem, prints one line naming
// `command` and returns nullopt.
std::optional<indexer::IndexOptions> index_target(const char* command, const std::string& path,
                                                  const std::string& db, const WalkFlags& walk);

// Shows an index run's progress bar (stderr, a terminal only) and its
// warnings, one line each.
class ProgressObserver : public indexer::IndexObserver {
public:
    explicit ProgressObserver(const char* command) : command_(command) {}
    void on_progress(const indexer::IndexProgress& p) override;
    void on_warning(const Error& e) override;
    void finish();

private:
    const char* command_;
    std::mutex mu_;
    ProgressBar bar_;
};

class IndexCommand {
public:
    IndexCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();  // 0 done, 2 error, 130 interrupted

private:
    CLI::App* cmd_;
    WalkFlags walk_;
    std::string path_ = ".", db_, out_;
    bool rebuild_ = false, json_ = false, no_symbols_ = false;
};

}  // namespace idx::cli
