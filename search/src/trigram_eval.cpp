#include "search/trigram_eval.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace idx::search {
Expected<std::optional<indexer::Bitmap>> evaluate(indexer::IndexReader& reader, const TrigramQuery& q) {
    using indexer::Bitmap;
    switch (q.op) {
        case TrigramQuery::Op::kAll: return std::optional<Bitmap>();
        case TrigramQuery::Op::kNone: return std::optional<Bitmap>(Bitmap(roaring_bitmap_create()));
        case TrigramQuery::Op::kAnd: {
            // Cheapest lists first, and stop once few files are left: the
            // rest could only narrow further, and reading a handful of files
            // costs less than loading long lists. Skipping a conjunct only
            // admits more files, so no match is ever dropped. A sub-query
            // that is a plain OR of lists (a word's gram, or the files
            // without word grams) is costed as the sum of its lists, so
            // that a rare word narrows before its common trigrams are read.
            struct Conjunct {
                uint64_t bytes;
                indexer::Trigram trigram;
                const TrigramQuery* sub;  // null: the trigram
            };
            std::vector<Conjunct> order;
            order.reserve(q.trigrams.size() + q.subs.size());
            for (auto t : q.trigrams) {
                auto bytes = reader.docs_bytes(t);
                if (!bytes) return std::move(bytes).error();
                order.push_back({*bytes, t, nullptr});
            }
            for (const auto& s : q.subs) {
                uint64_t bytes = UINT64_MAX;  // anything else after the lists, in the planner's order
                if (s.op == TrigramQuery::Op::kOr && s.subs.empty()) {
                    bytes = 0;
                    for (auto t : s.trigrams) {
                        auto b = reader.docs_bytes(t);
                        if (!b) return std::move(b).error();
                        bytes += *b;
                    }
                }
                order.push_back({bytes, 0, &s});
            }
            std::stable_sort(order.begin(), order.end(),
                             [](const Conjunct& a, const Conjunct& b) { return a.bytes < b.bytes; });
            std::optional<Bitmap> acc;
            auto few = [&] { return acc && roaring_bitmap_get_cardinality(acc->get()) <= kFewFiles; };
            for (const auto& c : order) {
                if (few()) return acc;  // also when none is left
                if (c.sub != nullptr) {
                    auto d = evaluate(reader, *c.sub);
                    if (!d) return std::move(d).error();
                    if (!*d) continue;  // admits every file
                    if (!acc) acc = std::move(**d);
                    else roaring_bitmap_and_inplace(acc->get(), (*d)->get());
                    continue;
                }
                // Past the first list, only the candidates left are looked
                // up in the next one, which is not built whole.
                auto d = acc ? reader.docs_within(c.trigram, acc->get()) : reader.docs(c.trigram);
                if (!d) return std::move(d).error();
                acc = std::move(*d);
            }
            return acc;
        }
        case TrigramQuery::Op::kOr: {
            Bitmap acc(roaring_bitmap_create());
            for (auto t : q.trigrams) {
                auto d = reader.docs(t);
                if (!d) return std::move(d).error();
                roaring_bitmap_or_inplace(acc.get(), d->get());
            }
            for (const auto& s : q.subs) {
                auto d = evaluate(reader, s);
                if (!d) return std::move(d).error();
                if (!*d) return std::optional<Bitmap>();  // one side admits everything
                roaring_bitmap_or_inplace(acc.get(), (*d)->get());
            }
            return std::optional<Bitmap>(std::move(acc));
        }
    }
    return std::optional<Bitmap>();
}

TrigramQuery literal_query(std::string_view literal) {
    if (literal.size() < 3) return TrigramQuery::all();
    TrigramQuery q;
    q.op = TrigramQuery::Op::kAnd;
    for (size_t i = 0; i + 3 <= literal.size(); ++i) {
        const auto a = static_cast<unsigned char>(literal[i]), b = static_cast<unsigned char>(literal[i + 1]),
                   c = static_cast<unsigned char>(literal[i + 2]);
        if (a == '\n' || b == '\n' || c == '\n') continue;
        q.trigrams.push_back(indexer::make_trigram(a, b, c));
    }
    if (q.trigrams.empty()) return TrigramQuery::all();
    return q;
}

}  // namespace idx::search
