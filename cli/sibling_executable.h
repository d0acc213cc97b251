// The executables that make up idx sit in one folder (idx, idx-lookup,
// idx-cli, libidx_ask.so); each finds the others beside itself.
#pragma once

namespace idx::cli {

// The path of `file` in this executable's folder, in `path` (PATH_MAX
// bytes); false after saying why on stderr.
bool beside_this_executable(const char* file, char* path);

// Becomes `file` from this executable's folder with the same arguments;
// returns (2, after saying why on stderr) only if that fails.
int exec_sibling(const char* file, char** argv);

}  // namespace idx::cli
