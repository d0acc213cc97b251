// read_whole_file(): a file's bytes into a reusable buffer.
#pragma once

#include <string>

namespace idx {

// Replaces `buf` with the content of `path`; returns 0 or an errno. A file
// that shrinks or grows while being read yields what was read. Never blocks
// on a FIFO (O_NONBLOCK).
int read_whole_file(const std::string& path, std::string& buf);

}  // namespace idx
