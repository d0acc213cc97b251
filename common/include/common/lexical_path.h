// Lexical path normalisation: no file system access, symlinks untouched.
#pragma once

#include <string>

namespace idx {

// An absolute path with "." and empty parts dropped and ".." applied
// ("/a/./b/../c" -> "/a/c"; ".." above "/" stays at "/").
std::string normalise_absolute(const std::string& abs);

}  // namespace idx
