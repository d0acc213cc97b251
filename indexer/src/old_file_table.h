// OldFileTable: the index's files as an update compares the walk with them,
// found by path.
//
// A flat table (entries in one vector, their paths in one buffer, an
// open-addressing array of the paths' XXH3 hashes) rather than a map of
// nodes: an update of the kernel loads 78k rows and looks up 78k paths, and
// the nodes' cache misses, allocations and frees were ~20% of its CPU.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace idx::indexer {

struct OldFile {
    int64_t id;
    int64_t size, mtime_ns, inode, hash;
    std::string skip;
    std::string git_oid;
    bool seen = false;
};

class OldFileTable {
public:
    void reserve(size_t n) {
        entries_.reserve(n);
        if (2 * n > slots_.size()) rehash(2 * n);
    }
    // Adds `path`'s row; a path already present keeps its first row (the
    // files table's paths are unique).
    void add(std::string_view path, OldFile file) {
        if (2 * (entries_.size() + 1) > slots_.size()) rehash(2 * (entries_.size() + 1));
        const uint64_t h = XXH3_64bits(path.data(), path.size());
        for (size_t at = h & mask_;; at = (at + 1) & mask_) {
            Slot& s = slots_[at];
            if (s.entry == 0) {
                entries_.push_back({paths_.size(), path.size(), std::move(file)});
                paths_.append(path);
                s = {h, static_cast<uint32_t>(entries_.size())};
                return;
            }
            if (s.hash == h && this->path(entries_[s.entry - 1]) == path) return;
        }
    }
    OldFile* find(std::string_view path) {
        if (slots_.empty()) return nullptr;
        const uint64_t h = XXH3_64bits(path.data(), path.size());
        for (size_t at = h & mask_;; at = (at + 1) & mask_) {
            const Slot& s = slots_[at];
            if (s.entry == 0) return nullptr;
            Entry& e = entries_[s.entry - 1];
            if (s.hash == h && this->path(e) == path) return &e.file;
        }
    }
    size_t size() const { return entries_.size(); }
    // f(path, file) for every row, in the order they were added.
    template <class F>
    void each(F&& f) {
        for (Entry& e : entries_) f(path(e), e.file);
    }

private:
    struct Entry {
        size_t offset, length;  // of the path in paths_
        OldFile file;
    };
    struct Slot {
        uint64_t hash = 0;
        uint32_t entry = 0;  // 1 + index into entries_; 0: empty
    };
    std::string_view path(const Entry& e) const { return std::string_view(paths_).substr(e.offset, e.length); }
    // At least `want` slots, a power of two; the entries are placed again.
    void rehash(size_t want) {
        size_t n = 16;
        while (n < want) n *= 2;
        slots_.assign(n, Slot{});
        mask_ = n - 1;
        for (size_t i = 0; i < entries_.size(); ++i) {
            const std::string_view p = path(entries_[i]);
            const uint64_t h = XXH3_64bits(p.data(), p.size());
            size_t at = h & mask_;
            while (slots_[at].entry != 0) at = (at + 1) & mask_;
            slots_[at] = {h, static_cast<uint32_t>(i + 1)};
        }
    }

    std::vector<Entry> entries_;
    std::string paths_;
    std::vector<Slot> slots_;
    size_t mask_ = 0;
};

}  // namespace idx::indexer
