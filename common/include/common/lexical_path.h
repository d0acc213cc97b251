// Lexical path normalisation: no file system access, symlinks untouched.
#pragma once

#include <string>
#include <string_view>

namespace idx {

// An absolute path with "." and empty parts dropped and ".." applied
// ("/a/./b/../c" -> "/a/c"; ".." above "/" stays at "/").
std::string normalise_absolute(const std::string& abs);

// The part after the last '/' ("a/b.c" -> "b.c"; "b.c" -> "b.c").
inline std::string_view basename_of(std::string_view p) {
    auto slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

// The folder part ("a/b.c" -> "a"; "/b.c" -> "/"; "b.c" -> ".").
inline std::string dirname_of(std::string_view p) {
    auto slash = p.rfind('/');
    if (slash == std::string_view::npos) return ".";
    return slash == 0 ? std::string("/") : std::string(p.substr(0, slash));
}

}  // namespace idx
