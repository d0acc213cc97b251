#include "indexer/page_rank.h"

namespace idx::indexer {

std::vector<double> page_rank(uint32_t n, const std::vector<Edge>& edges, const std::vector<double>& personal,
                              int iterations) {
    if (n == 0) return {};
    std::vector<double> p(n, 1.0 / n);
    if (personal.size() == n) {
        double sum = 0;
        for (double v : personal) sum += v;
        if (sum > 0) {
            for (uint32_t i = 0; i < n; ++i) p[i] = personal[i] / sum;
        }
    }
    std::vector<double> out_weight(n, 0);
    for (const Edge& e : edges) out_weight[e.src] += e.weight;
    std::vector<double> rank = p, next(n);
    constexpr double kDamping = 0.85;
    for (int it = 0; it < iterations; ++it) {
        double dangling = 0;
        for (uint32_t i = 0; i < n; ++i) {
            if (out_weight[i] == 0) dangling += rank[i];
        }
        for (uint32_t i = 0; i < n; ++i) next[i] = (1 - kDamping + kDamping * dangling) * p[i];
        for (const Edge& e : edges) next[e.dst] += kDamping * rank[e.src] * e.weight / out_weight[e.src];
        rank.swap(next);
    }
    return rank;
}

}  // namespace idx::indexer
