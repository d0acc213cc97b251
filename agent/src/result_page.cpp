#include "result_page.h"

#include "common/json_writer.h"

namespace idx::agent {

bool ResultPage::add(std::string text, std::string json) {
    const uint64_t index = total_++;
    if (index < offset_ || !truncated_by_.empty()) return truncated_by_.empty();
    if (head_limit_ && texts_.size() >= *head_limit_) {
        truncated_by_ = "head_limit";
        return false;
    }
    // The first item always fits, so that a page is never empty while
    // results remain (a huge line is cut by its producer).
    if (!texts_.empty() && used_bytes_ + text.size() + 1 > budget_bytes_) {
        truncated_by_ = "token_budget";
        return false;
    }
    used_bytes_ += text.size() + 1;
    texts_.push_back(std::move(text));
    jsons_.push_back(std::move(json));
    return true;
}

void ResultPage::set_empty_reason(std::string code, std::string detail) {
    empty_code_ = std::move(code);
    empty_detail_ = std::move(detail);
}

ToolOutput ResultPage::finish() const {
    const uint64_t returned = texts_.size();
    const bool truncated = !truncated_by_.empty() || (offset_ + returned < total_ && returned > 0);
    const uint64_t next = offset_ + returned + offset_base_;
    JsonWriter j;
    j.begin_object().field("total", total_).field("offset", offset_ + offset_base_).field("returned", returned);
    j.field("truncated", truncated);
    if (truncated) j.field("next_offset", next).field("truncated_by", truncated_by_.empty() ? "head_limit" : truncated_by_);
    j.field("complete", incomplete_.empty());
    if (!incomplete_.empty()) j.field("incomplete_because", incomplete_);
    if (returned == 0) {
        j.key("empty_reason").begin_object();
        j.field("code", empty_code_.empty() ? (total_ > 0 ? "past_the_end" : "no_match") : empty_code_);
        j.field("detail", empty_detail_).end_object();
    }
    j.key("results").begin_array();
    for (const auto& r : jsons_) j.raw(r);
    j.end_array();
    if (!notes_.empty()) {
        j.key("notes").begin_array();
        for (const auto& n : notes_) j.value(n);
        j.end_array();
    }
    j.end_object();

    std::string text = header_.empty() ? "" : header_ + "\n";
    for (const auto& t : texts_) text += t + "\n";
    std::string footer;
    if (returned == 0) {
        footer = total_ > 0 ? "no results at offset " + std::to_string(offset_) + " (there are " +
                                  std::to_string(total_) + ")"
                            : "no results: " + (empty_code_.empty() ? std::string("no_match") : empty_code_) +
                                  (empty_detail_.empty() ? "" : " (" + empty_detail_ + ")");
    } else if (truncated) {
        footer = "showing " + std::to_string(offset_ + 1) + "-" + std::to_string(offset_ + returned) + " of " +
                 std::to_string(total_) +
                 (incomplete_.empty() ? "" : "+") + " (truncated by " +
                 (truncated_by_.empty() ? std::string("head_limit") : truncated_by_) +
                 "); call again with offset=" + std::to_string(next) + " for more";
    } else {
        footer = std::to_string(total_) + (total_ == 1 ? " result" : " results");
    }
    if (!incomplete_.empty()) footer += "; INCOMPLETE: " + incomplete_ + ", totals are lower bounds";
    for (const auto& n : notes_) footer += "; " + n;
    text += "[idx: " + footer + "]\n";
    return ToolOutput{std::move(text), j.take(), false};
}

ToolOutput tool_error(const std::string& message) {
    JsonWriter j;
    j.begin_object().field("error", message).end_object();
    return ToolOutput{"error: " + message + "\n", j.take(), true};
}

}  // namespace idx::agent
