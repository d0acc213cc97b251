// The tools' implementations (tool_set.cpp registers and schedules them).
// Each returns kInvalidArgument for arguments that do not fit its schema,
// and a ToolOutput (is_error set when the work failed) otherwise.
#pragma once

#include <atomic>
#include <string>

#include "agent/tool_set.h"
#include "tool_args.h"
#include "workspace.h"

namespace idx::agent {

struct CallContext {
    const Workspace& ws;
    size_t token_budget;
    // Set when the deadline passes or the caller cancels: the work stops.
    const std::atomic<bool>& stop;
    std::string stop_reason() const { return stop.load() ? "the call's deadline passed or it was cancelled" : ""; }
};

Expected<ToolOutput> run_search(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_files(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_read(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_def(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_refs(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_sym(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_outline(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_map(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_query(const ToolArgs& args, const CallContext& ctx);
Expected<ToolOutput> run_status(const ToolArgs& args, const CallContext& ctx);

}  // namespace idx::agent
