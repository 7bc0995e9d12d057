// IngestJobSpec: what one ingest job fetches (source, dataset, symbols, dates) and how it saves
// (SaveStrategy, chunk sizes), plus its parsers: from textual fields (the `mystocks ingest` flags)
// and from a JSON object (the body of POST /api/v1/data/jobs). Every problem is a Status naming
// the field ("dataset", "symbols[2]", "from", "source"), the value and what is accepted, so the
// route and the CLI are thin wrappers. Pure functions and value types: safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/symbol.h"
#include "core/timestamp.h"
#include "services/data_manager.h"
#include "sources/data_type.h"

namespace boost::json {
class value;
}

namespace mystocks::services {

struct IngestJobSpec {
  std::string source;           // source instance name; "" = the configured failover source
  sources::Dataset dataset;     // daily, minute:5m, tick, ...
  std::vector<Symbol> symbols;  // requested securities (indices for index_daily/components)
  bool all_symbols = false;     // every symbol the source knows (symbols is then empty)
  Date from{};                  // first date, inclusive (ignored by symbols and realtime)
  Date to{};                    // last date, inclusive
  SaveStrategy strategy = SaveStrategy::kContinue;
  int chunk_symbols = 0;  // symbols per fetch; 0 = IngestOptions::chunk_symbols
  int chunk_days = 0;     // calendar days per fetch; 0 = the dataset's default
  // Fetch the whole range again whatever is stored, and replace each chunk's symbols x dates
  // atomically (DataManager::replace): a corrected file or a vendor's correction replaces what
  // is stored, rows the source no longer has go. Only for datasets with dates.
  bool replace = false;

  // "daily 600519.SH,000001.SZ 2024-01-02..2024-01-31 from simulator (continue)"
  std::string describe() const;
};

// True for datasets whose requests take a date range (all but symbols and realtime).
bool dataset_uses_dates(sources::DataType type);
// True for datasets fetched per symbol (all but calendar and symbols).
bool dataset_uses_symbols(sources::DataType type);

// How big a job is: symbols x calendar days (at least 1 each). A job for all symbols counts
// `all_symbol_count` of them. Per-role limits (security.job_max_symbol_days) bound this.
int64_t job_symbol_days(const IngestJobSpec& spec, int64_t all_symbol_count);

// The largest job (symbol-days) a caller with `roles` may submit: the most generous limit among
// its roles, 0 = no limit; roles without a limit get the smallest listed one. `limits` maps
// role -> symbol-days (0 = no limit).
int64_t job_limit_for(const std::vector<std::string>& roles,
                      const std::map<std::string, double, std::less<>>& limits);

// The fields as text, as flags or a form give them. Empty = not given.
struct JobSpecFields {
  std::string source;
  std::string dataset;
  std::string symbols;  // comma-separated, any accepted spelling (600519, sh600519, ...)
  bool all_symbols = false;
  std::string from;  // YYYY-MM-DD or YYYYMMDD
  std::string to;
  std::string strategy;  // rollback | continue | retry
  int64_t chunk_symbols = 0;
  int64_t chunk_days = 0;
  bool replace = false;
};

struct JobSpecRules {
  // Source names a job may name; empty = any name (checked when the job runs).
  std::vector<std::string> known_sources;
  SaveStrategy default_strategy = SaveStrategy::kContinue;
  size_t max_symbols = 20000;  // bound on the symbols list
};

Result<IngestJobSpec> parse_job_spec(const JobSpecFields& fields, const JobSpecRules& rules = {});

// A JSON object {"source", "dataset", "symbols": [..] or "a,b", "all", "from", "to",
// "strategy", "chunk_symbols", "chunk_days", "replace"}; unknown members and wrong types are
// errors naming the member.
Result<IngestJobSpec> parse_job_spec(const boost::json::value& body,
                                     const JobSpecRules& rules = {});

}  // namespace mystocks::services
