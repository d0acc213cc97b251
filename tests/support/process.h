// Test support: run a real program and capture its output.
#pragma once

#include <string>
#include <vector>

namespace idx::test {

struct ProcessResult {
    int exit_code = -1;  // -1: did not exit normally (signal)
    std::string out, err;
};

// Runs argv[0] (searched in PATH) in `cwd`, with `env` entries ("K=V") added
// to or replacing the current environment, and `unset` names removed.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd = "",
                          const std::vector<std::string>& env = {}, const std::vector<std::string>& unset = {});

// The lines of `text`, sorted, for set comparisons.
std::vector<std::string> sorted_lines(const std::string& text);

}  // namespace idx::test
