// Personalised PageRank over the file graph (files referencing the files
// that define what they use), as aider ranks a repo map.
#pragma once

#include <cstdint>
#include <vector>

namespace idx::indexer {

struct Edge {
    uint32_t src = 0, dst = 0;  // dense node numbers
    float weight = 0;
};

// Ranks `nodes` nodes: damping 0.85, `iterations` power steps, a dangling
// node's rank spread by `personal` (uniform when empty). Ranks sum to 1.
// Deterministic: the same input gives the same output bit for bit.
std::vector<double> page_rank(uint32_t nodes, const std::vector<Edge>& edges, const std::vector<double>& personal,
                              int iterations = 30);

}  // namespace idx::indexer
