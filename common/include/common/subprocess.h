// run_capture(): runs a program (searched in PATH) and returns its standard
// output. Used for git, whose index holds blob ids for a whole checkout.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"

namespace idx {

struct Captured {
    int exit_code = -1;  // -1: killed by a signal
    std::string out;
};

// stdin is /dev/null and stderr is discarded.
Expected<Captured> run_capture(const std::vector<std::string>& argv);

}  // namespace idx
