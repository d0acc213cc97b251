// Test support: the small indexed C project the agent tests ask about.
// shared_helper is defined at src/lib.c:1:5 and used at src/main.c:3:12.
// Include only from tests that define IDX_BINARY (the CLI tests).
#pragma once

#include <doctest/doctest.h>

#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

namespace idx::test {

struct SampleProject {
    TempTree t;
    SampleProject() {
        t.write("src/lib.c", "int shared_helper(int x)\n{\n    return x * 2;\n}\n");
        t.write("src/main.c", "int main(void)\n{\n    return shared_helper(21);\n}\n");
        REQUIRE(run_process({IDX_BINARY, "index"}, t.root(), {}, {"IDX_DB"}).exit_code == 0);
    }
};

}  // namespace idx::test
