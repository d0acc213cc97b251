// Bitmap: an owned CRoaring bitmap (posting lists, file sets).
#pragma once

#include <roaring/roaring.h>

#include "common/unique_handle.h"

namespace idx::indexer {

using Bitmap = UniqueHandle<roaring_bitmap_t, &roaring_bitmap_free>;

}  // namespace idx::indexer
