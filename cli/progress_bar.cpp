#include "progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace idx::cli {

ProgressBar::ProgressBar() : start_(std::chrono::steady_clock::now()) {
    const char* term = std::getenv("TERM");
    enabled_ = ::isatty(STDERR_FILENO) != 0 && !(term && std::string(term) == "dumb");
}

void ProgressBar::update(const char* phase, uint64_t done, uint64_t total, uint64_t bytes_done,
                         uint64_t bytes_total) {
    if (!enabled_) return;
    if (phase_ != phase) {  // a new phase: rates and ETA start over
        phase_ = phase;
        start_ = std::chrono::steady_clock::now();
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double frac = bytes_total > 0 ? static_cast<double>(bytes_done) / static_cast<double>(bytes_total)
                                        : (total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0);
    const int width = 30;
    const int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(width, '-');
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    const double mbs = secs > 0 ? static_cast<double>(bytes_done) / secs / 1e6 : 0;
    const double eta = frac > 0.01 ? secs * (1 - frac) / frac : 0;
    std::fprintf(stderr, "\r%-8s [%s] %3d%% %llu/%llu files  %.0f files/s  %.1f MB/s  ETA %.0fs   ", phase, bar.c_str(),
                 static_cast<int>(frac * 100), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), rate, mbs, eta);
    drawn_ = true;
}

void ProgressBar::finish() {
    if (drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
}

}  // namespace idx::cli
