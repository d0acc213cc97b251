// Binary detection as ripgrep 13 does it for files found by walking
// (BinaryDetection::quit on NUL, grep-searcher 0.1.10's LineBuffer).
//
// ripgrep reads a file in buffers: the first read returns at most 3 bytes
// (its BOM sniffer), later reads fill a 64 KiB buffer that grows when a line
// does not fit. After each read that ends a line, the complete lines are
// searched. When a read brings in a NUL byte, ripgrep stops *without*
// searching that buffer. So a binary file is searched only up to the start
// of the buffer in which its first NUL arrived, which may be nothing at all.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace idx::indexer {

struct BinaryCutoff {
    size_t searched_bytes;  // ripgrep searches content[0, searched_bytes): whole lines only
    size_t nul_offset;      // absolute offset of the first NUL
};

// nullopt for text (no NUL byte); otherwise what ripgrep would search.
std::optional<BinaryCutoff> binary_cutoff(std::string_view content);

}  // namespace idx::indexer
