// ProgressBar: one self-rewriting line on stderr, only when stderr is a
// terminal; silent otherwise (so logs and pipes stay clean).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace idx::cli {

class ProgressBar {
public:
    ProgressBar();
    ~ProgressBar() { finish(); }
    bool enabled() const { return enabled_; }
    // done/total items and bytes; prints files/s, MB/s and an ETA.
    void update(const char* phase, uint64_t done, uint64_t total, uint64_t bytes_done, uint64_t bytes_total);
    void finish();  // clears the line

private:
    bool enabled_ = false;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
    std::string phase_;
};

}  // namespace idx::cli
