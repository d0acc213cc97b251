// ResultPage: the shape every tool result shares. Items are offered in
// relevance order; the page keeps those from `offset` on until `head_limit`
// items or the token budget is reached, and counts the rest, so the result
// can say how many there are and where to continue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/tool_set.h"

namespace idx::agent {

class ResultPage {
public:
    ResultPage(uint64_t offset, std::optional<uint64_t> head_limit, size_t token_budget)
        : offset_(offset), head_limit_(head_limit), budget_bytes_(token_budget * 4) {}

    // One result: its text (one or more lines, no trailing newline) and its
    // JSON object. Returns false once the page is full (later items are
    // only counted: call count() for them, or keep calling add()).
    bool add(std::string text, std::string json);
    void count(uint64_t n) { total_ += n; }

    void set_empty_reason(std::string code, std::string detail);
    // The work stopped early (deadline, cancel): totals are lower bounds.
    void set_incomplete(std::string why) { incomplete_ = std::move(why); }
    void note(std::string text) { notes_.push_back(std::move(text)); }
    // A line printed before the items (e.g. a file's path for `read`).
    void header(std::string text) { header_ = std::move(text); }
    // Offsets the caller passes are 1-based (read's line numbers): the
    // offset to continue from is reported one higher.
    void one_based_offsets() { offset_base_ = 1; }

    uint64_t total() const { return total_; }
    ToolOutput finish() const;

private:
    uint64_t offset_;
    std::optional<uint64_t> head_limit_;
    size_t budget_bytes_, used_bytes_ = 0;
    uint64_t total_ = 0, offset_base_ = 0;
    std::vector<std::string> texts_, jsons_;
    std::string truncated_by_, incomplete_, empty_code_, empty_detail_, header_;
    std::vector<std::string> notes_;
};

// A failed call, as the model should read it.
ToolOutput tool_error(const std::string& message);

}  // namespace idx::agent
