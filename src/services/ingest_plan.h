// How an ingest job is cut into chunks: symbol groups (chunk_symbols per fetch) times date
// windows (chunk_days calendar days per fetch, by default sized so one fetch stays well below
// the simulator's max_rows: a year of daily bars, days of minute bars, one day of ticks).
// Symbol groups are the outer loop, so for each symbol the stored rows of a job's range are a
// prefix of it - which is what lets a re-run resume after the last stored row.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/symbol.h"
#include "core/timestamp.h"
#include "services/ingest_spec.h"

namespace mystocks::services {

struct DateWindow {
  Date from{};
  Date to{};  // inclusive
};

// The default calendar days per fetch for a dataset.
int default_chunk_days(const sources::Dataset& dataset);

// Consecutive windows of `days` calendar days covering [from, to]; one window when the dataset
// takes no dates.
std::vector<DateWindow> date_windows(const IngestJobSpec& spec, int days);

// `symbols` in groups of at most `size`; one empty group when `symbols` is empty (the source
// then serves every symbol it knows).
std::vector<std::vector<Symbol>> symbol_groups(const std::vector<Symbol>& symbols, int size);

// The tables.yaml table a dataset is saved to.
std::string table_for(const sources::Dataset& dataset);

}  // namespace mystocks::services
