#include "storage/tsdb/version.h"

#include <algorithm>
#include <system_error>

namespace mystocks::tsdb {

SegmentHandle::~SegmentHandle() {
  if (obsolete_.load()) {
    std::error_code ignored;  // a leftover file is removed as an orphan at the next open
    std::filesystem::remove(path_, ignored);
  }
}

void sort_by_generation(std::vector<SegmentPtr>& segments) {
  std::sort(segments.begin(), segments.end(), [](const SegmentPtr& a, const SegmentPtr& b) {
    return a->meta().generation < b->meta().generation;
  });
}

}  // namespace mystocks::tsdb
