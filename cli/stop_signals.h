// Stop signals for the long-running commands (index, watch): SIGINT and
// SIGTERM set a flag the work polls, so it stops cleanly and keeps what was
// committed; the exit code then reports the signal as a shell would (128+N).
#pragma once

#include <atomic>

namespace idx::cli {

// Installs the handlers (they stay until exit: a late signal, with the work
// done, is not a death by signal) and ignores SIGXFSZ, so that a file size
// limit fails a write with EFBIG instead of killing a transaction midway.
const std::atomic<bool>& install_stop_signals();
// The signal that asked to stop, 0 if none.
int stop_signal();

}  // namespace idx::cli
