// BatchStream: the rows of one source request delivered as a sequence of bounded batches, so an
// import of a multi-GB file holds a few batches in memory, never the file. Every batch has the
// schema of the request's table and is sorted by symbol, then time; per symbol, times never go
// back from one batch to the next, so what a consumer has stored of a symbol is always a prefix
// in time of the symbol's rows (what lets a re-run resume after the last stored row).
// Thread-safety: one consumer; a stream may run its producer on a thread of its own (read_ahead).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "core/record_batch.h"
#include "core/status.h"

namespace mystocks::sources {

class BatchStream {
 public:
  virtual ~BatchStream() = default;
  // The next batch, or nullopt once the stream is exhausted. After a failure the stream is done.
  virtual Result<std::optional<RecordBatch>> next() = 0;
};

// A stream of one batch already in memory (sources that do not stream).
std::unique_ptr<BatchStream> single_batch_stream(RecordBatch batch);

// Produces `inner`'s batches on a thread of its own, at most one batch ahead of the consumer, so
// the consumer's work on one batch (checks, the store write) overlaps the parsing of the next.
// Memory: the batch being consumed, one ready, one being produced. Destroying the stream stops
// the producer after the batch it is producing (it is joined, never detached).
std::unique_ptr<BatchStream> read_ahead(std::unique_ptr<BatchStream> inner);

}  // namespace mystocks::sources
