#include "search/trigram_eval.h"

#include <algorithm>
#include <vector>

namespace idx::search {
namespace {

// An AND stops narrowing at this many files (see below).
constexpr uint64_t kFewFiles = 16;

}  // namespace

Expected<std::optional<indexer::Bitmap>> evaluate(indexer::IndexReader& reader, const TrigramQuery& q) {
    using indexer::Bitmap;
    switch (q.op) {
        case TrigramQuery::Op::kAll: return std::optional<Bitmap>();
        case TrigramQuery::Op::kNone: return std::optional<Bitmap>(Bitmap(roaring_bitmap_create()));
        case TrigramQuery::Op::kAnd: {
            // Cheapest lists first, and stop once few files are left: the
            // rest could only narrow further, and reading a handful of files
            // costs less than loading long lists. Skipping a conjunct only
            // admits more files, so no match is ever dropped.
            std::vector<std::pair<uint64_t, indexer::Trigram>> order;
            order.reserve(q.trigrams.size());
            for (auto t : q.trigrams) {
                auto bytes = reader.docs_bytes(t);
                if (!bytes) return std::move(bytes).error();
                order.emplace_back(*bytes, t);
            }
            std::sort(order.begin(), order.end());
            std::optional<Bitmap> acc;
            auto few = [&] { return acc && roaring_bitmap_get_cardinality(acc->get()) <= kFewFiles; };
            auto narrow = [&](Bitmap b) {
                if (!acc) {
                    acc = std::move(b);
                } else {
                    roaring_bitmap_and_inplace(acc->get(), b.get());
                }
            };
            for (const auto& [bytes, t] : order) {
                if (few()) return acc;
                // Past the first list, only the candidates left are looked
                // up in the next one, which is not built whole.
                auto d = acc ? reader.docs_within(t, acc->get()) : reader.docs(t);
                if (!d) return std::move(d).error();
                if (acc) {
                    acc = std::move(*d);
                } else {
                    narrow(std::move(*d));
                }
                if (roaring_bitmap_is_empty(acc->get())) return acc;
            }
            for (const auto& s : q.subs) {
                if (few()) return acc;
                auto d = evaluate(reader, s);
                if (!d) return std::move(d).error();
                if (*d) narrow(std::move(**d));
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
