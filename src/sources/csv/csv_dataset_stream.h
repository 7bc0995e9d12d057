// CsvDatasetStream: the rows a csv source request selects from the files of one data-type
// directory, as a BatchStream (batch_stream.h) of about chunk_rows rows per batch. Files are read
// in name order, block by block (csv_reader.h), so memory follows chunk_rows, not file sizes. A
// batch may span files; each is filtered to the requested symbols, dates (and minute interval)
// and sorted by symbol, then time.
// Order across batches: a consumer resumes after each symbol's last stored row, so the stream
// refuses (kFailedPrecondition, naming file, line, symbol and both times) a row older than a row
// of the same symbol it already handed out in an earlier batch: the input must be in time order
// per symbol across chunk boundaries (within one batch any order is sorted out). A dataset no
// larger than one chunk is therefore ordered whatever its file order, as before streaming.
// One owner; not synchronised (read_ahead() runs it on its producer thread).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/metrics.h"
#include "sources/batch_stream.h"
#include "sources/csv/csv_reader.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

// What to read and which rows to keep; built by CsvSource from a request.
struct CsvStreamPlan {
  std::string source_name;  // for messages
  const storage::TableSchema* table = nullptr;
  std::vector<std::string> files;  // in reading order
  CsvOptions csv;
  std::set<std::string> wanted;  // keys to keep; empty = all
  std::string key;               // column `wanted` selects on ("symbol", "index_symbol", ...)
  std::string filter_time;       // column the date range selects on; "" = no date filter
  bool filter_is_timestamp = false;
  int64_t first = 0;  // inclusive bounds of filter_time (days, or epoch ms)
  int64_t last = 0;
  std::string order_time;  // column ordered on after the key; "" = key only
  std::string frequency;   // minute interval rows must have; "" = any
  size_t chunk_rows = 0;   // rows per batch; 0 = everything in one batch
};

struct CsvStreamMetrics {
  Counter* rows_imported = nullptr;
  Counter* rows_skipped = nullptr;
};

class CsvDatasetStream final : public BatchStream {
 public:
  CsvDatasetStream(CsvStreamPlan plan, CsvStreamMetrics metrics);

  Result<std::optional<RecordBatch>> next() override;

 private:
  struct Part {
    RecordBatch batch;           // moved out when the parts are merged
    std::vector<int64_t> lines;  // file line of each row
    size_t file_idx = 0;
  };

  // Rows of the open file (opening the next one as needed) into `parts`; false at the end.
  Result<bool> read_part(size_t max_rows, std::vector<Part>& parts);
  // The selected rows of `chunk` (filters of the plan).
  Part select(CsvChunk& chunk) const;
  // kFailedPrecondition when a symbol's rows go back in time against an earlier batch.
  // `order` is the sort permutation; part_starts the first row of each part in its numbering.
  Status check_order(const RecordBatch& sorted, const std::vector<Part>& parts,
                     const std::vector<size_t>& part_starts, const std::vector<uint32_t>& order);

  CsvStreamPlan plan_;
  CsvStreamMetrics metrics_;
  size_t next_file_ = 0;
  std::unique_ptr<CsvReader> reader_;
  size_t issues_logged_ = 0;  // of the open file
  bool failed_ = false;
  std::unordered_map<std::string, int64_t> last_time_;  // per key: newest time handed out
};

}  // namespace mystocks::sources
