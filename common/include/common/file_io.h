// read_whole_file(): a file's bytes into a reusable buffer.
#pragma once

#include <optional>
#include <string>

#include "common/unique_handle.h"

namespace idx {

// Replaces `buf` with the content of `path`; returns 0 or an errno. A file
// that shrinks or grows while being read yields what was read. Never blocks
// on a FIFO (O_NONBLOCK). `size_hint`: the regular file's size if known
// (from a walk or the index), which spares an fstat; a wrong hint costs
// only speed.
int read_whole_file(const std::string& path, std::string& buf, std::optional<size_t> size_hint = std::nullopt);

// The same for `rel` inside the directory `root_fd` (from
// open_directory()), for paths that come from the index rather than from a
// walk: a path that now resolves outside the directory (an absolute or
// outward symlink put there since, or "..") fails with EXDEV instead of
// being read (openat2 with RESOLVE_BENEATH, Linux 5.6).
int read_file_beneath(int root_fd, const std::string& rel, std::string& buf);

// A directory handle for read_file_beneath(); invalid (errno set) on failure.
UniqueFd open_directory(const std::string& path);

}  // namespace idx
