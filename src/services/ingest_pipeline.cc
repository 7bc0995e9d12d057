#include "services/ingest_pipeline.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include <fmt/format.h>

#include "services/ingest_plan.h"
#include "services/ingest_replace.h"
#include "services/ingest_steps.h"
#include "services/ingest_symbols.h"
#include "services/pre_close_fill.h"
#include "services/provisional_bars.h"
#include "sources/failover_source.h"

namespace mystocks::services {
namespace {

using sources::DataType;
using DatesBySymbol = std::map<std::string, std::vector<int32_t>>;

bool checks_calendar_gaps(DataType type) {
  return type == DataType::kDaily || type == DataType::kIndexDaily || type == DataType::kMinute ||
         type == DataType::kTick || type == DataType::kFundFlow;
}

// Datasets of per-symbol market data: their symbols must be in the securities master.
bool needs_master_entry(DataType type) {
  return type == DataType::kDaily || type == DataType::kIndexDaily || type == DataType::kMinute ||
         type == DataType::kTick || type == DataType::kFundFlow ||
         type == DataType::kFundamentals || type == DataType::kRealtimeQuotes;
}

// How a message names where data came from: one instance by name, or the failover set (no
// --source) by the order it tries its instances in for this data type.
std::string source_text(const sources::IDataSource& source, sources::DataType type) {
  const auto* failover = dynamic_cast<const sources::FailoverSource*>(&source);
  if (failover == nullptr) return fmt::format("source '{}'", source.name());
  std::string order;
  for (const std::string& name : failover->priority(type)) {
    order += (order.empty() ? "" : ", ") + name;
  }
  return fmt::format("the configured sources (tried in order: {})", order);
}

std::string group_text(const std::vector<Symbol>& group) {
  if (group.empty()) return "all symbols";
  if (group.size() == 1) return group.front().to_string();
  return fmt::format("{}..{} ({} symbols)", group.front().to_string(), group.back().to_string(),
                     group.size());
}

}  // namespace

class IngestPipeline::Job {
 public:
  Job(const IngestPipeline& pipeline, const IngestJobSpec& spec, sources::IDataSource& source,
      IngestProgress& progress, const storage::TableSchema& table)
      : pipeline_(pipeline),
        spec_(spec),
        source_(source),
        progress_(progress),
        table_(table),
        tail_(pipeline.manager_, table, spec),
        registrar_(pipeline.manager_, pipeline.clock_, spec.dataset.type == DataType::kIndexDaily),
        calendar_(pipeline.options_.calendar != nullptr
                      ? *pipeline.options_.calendar
                      : sources::TradingCalendar::china_a_shares()) {
    quality_options_.price_limits = spec.dataset.type != DataType::kIndexDaily;
  }

  Status run() {
    if (spec_.replace) {
      MYSTOCKS_RETURN_IF_ERROR(check_replaceable(table_, dataset_tags(table_, spec_.dataset)));
    }
    Result<std::vector<Symbol>> symbols = resolve_symbols();
    if (!symbols.is_ok()) return symbols.status();
    // The csv adapter reads every file of a dataset per request and filters by symbol and date,
    // so splitting a job would only multiply the parsing: it gets one chunk unless told.
    const bool whole_files = source_.type() == "csv";
    const int group_size = spec_.chunk_symbols > 0 ? spec_.chunk_symbols
                           : whole_files           ? INT32_MAX
                                                   : pipeline_.options_.chunk_symbols;
    const std::vector<std::vector<Symbol>> groups =
        dataset_uses_symbols(spec_.dataset.type) ? symbol_groups(*symbols, group_size)
                                                 : std::vector<std::vector<Symbol>>{*symbols};
    const int days = spec_.chunk_days > 0 ? spec_.chunk_days
                     : whole_files        ? spec_.to.days - spec_.from.days + 1
                                          : default_chunk_days(spec_.dataset);
    const std::vector<DateWindow> windows = date_windows(spec_, days);
    progress_.set_chunks_total(static_cast<int64_t>(groups.size() * windows.size()));
    for (const std::vector<Symbol>& group : groups) {
      MYSTOCKS_RETURN_IF_ERROR(run_group(group, windows));
    }
    return Status::ok();
  }

  // Records the findings; called whatever run() returned.
  Result<int64_t> write_quality() {
    if (pipeline_.options_.quality_table.empty()) return int64_t{0};
    if (report_.rows_checked == 0 && report_.total_findings() == 0) return int64_t{0};
    Result<const storage::TableSchema*> metrics =
        pipeline_.catalog_.find(pipeline_.options_.quality_table);
    if (!metrics.is_ok()) return metrics.status();
    QualityRowsContext context{.dataset = table_.name,
                               .source = std::string(source_.name()),
                               .from = spec_.from,
                               .to = spec_.to,
                               .ts = started_ms_,
                               .max_symbol_rows = pipeline_.options_.max_symbol_quality_rows};
    Result<RecordBatch> rows = quality_rows(**metrics, report_, context);
    if (!rows.is_ok()) return rows.status();
    Result<SaveReport> saved =
        pipeline_.manager_.save((*metrics)->name, *rows, SaveStrategy::kRollback);
    if (!saved.is_ok()) return saved.status().with_context("recording quality findings");
    return saved->rows_written;
  }

  QualityReport& report() { return report_; }
  void set_started(int64_t ms) { started_ms_ = ms; }

 private:
  // The explicit symbols, or every one the source lists (stocks, or indices for index data);
  // empty when the dataset is not per symbol or the source cannot list them (it then serves all).
  Result<std::vector<Symbol>> resolve_symbols() {
    if (!spec_.all_symbols || !dataset_uses_symbols(spec_.dataset.type)) return spec_.symbols;
    Result<RecordBatch> listed = source_.symbols(sources::SourceRequest{});
    if (!listed.is_ok()) {
      if (listed.status().code() == ErrorCode::kUnsupported) return std::vector<Symbol>{};
      return listed.status().with_context(fmt::format(
          "listing the symbols of {}", source_text(source_, sources::DataType::kSymbols)));
    }
    const Column* names = listed->column("symbol");
    const Column* kinds = listed->column("security_type");
    if (names == nullptr) return std::vector<Symbol>{};
    const bool indices = spec_.dataset.type == DataType::kIndexDaily ||
                         spec_.dataset.type == DataType::kIndexComponents;
    std::vector<Symbol> symbols;
    for (size_t row = 0; row < listed->num_rows(); ++row) {
      if (kinds != nullptr && !kinds->is_null(row) &&
          (kinds->as<std::string>()[row] == "index") != indices) {
        continue;
      }
      Result<Symbol> symbol = Symbol::parse(names->as<std::string>()[row]);
      if (symbol.is_ok()) symbols.push_back(*symbol);
    }
    std::sort(symbols.begin(), symbols.end(),
              [](const Symbol& a, const Symbol& b) { return a.to_string() < b.to_string(); });
    return symbols;
  }

  Status run_group(const std::vector<Symbol>& group, const std::vector<DateWindow>& windows) {
    // Where each symbol resumes; the group fetches from the earliest of them.
    std::map<std::string, Date> resume;
    Date group_from = spec_.from;
    if (tail_.enabled() && !group.empty() && !spec_.replace) {  // replace fetches it all
      group_from = Date{spec_.to.days + 1};
      for (const Symbol& symbol : group) {
        Result<Date> from = tail_.resume_date(symbol.to_string());
        if (!from.is_ok()) return from.status();
        resume[symbol.to_string()] = *from;
        group_from = std::min(group_from, *from);
      }
    }
    for (const DateWindow& window : windows) {
      if (progress_.cancel_requested()) {
        return error(ErrorCode::kCancelled, "ingest job cancelled before {} {}..{}",
                     group_text(group), window.from.to_string(), window.to.to_string());
      }
      if (dataset_uses_dates(spec_.dataset.type) && window.to < group_from) {
        progress_.add({}, true);  // stored by an earlier run
        continue;
      }
      const Date fetch_from =
          dataset_uses_dates(spec_.dataset.type) ? std::max(window.from, group_from) : window.from;
      MYSTOCKS_RETURN_IF_ERROR(run_chunk(group, fetch_from, window.to, resume));
    }
    return Status::ok();
  }

  // Streams one fetch in batches of IngestOptions::chunk_rows and stores each before asking for
  // the next (the source parses the next batch meanwhile), so memory follows chunk_rows. The plan
  // chunk counts as done only after its last batch is stored.
  Status run_chunk(const std::vector<Symbol>& group, Date from, Date to,
                   const std::map<std::string, Date>& resume) {
    sources::SourceRequest request = sources::SourceRequest::range(group, from, to);
    request.interval = spec_.dataset.interval;
    const std::string where =
        fmt::format("{} {} {}..{} from {}", spec_.dataset.to_string(), group_text(group),
                    from.to_string(), to.to_string(), source_text(source_, spec_.dataset.type));
    // A replace swaps the whole chunk's scope at once, so its rows must come as one batch: a
    // second batch's replace would delete the first one's rows.
    const size_t batch_rows = spec_.replace ? 0 : pipeline_.options_.chunk_rows;
    Result<std::unique_ptr<sources::BatchStream>> opened =
        source_.open_stream(spec_.dataset.type, request, batch_rows);
    if (!opened.is_ok()) return opened.status().with_context("fetching " + where);
    std::unique_ptr<sources::BatchStream> stream = sources::read_ahead(std::move(opened).value());
    const RangeScope scope = chunk_scope(group, from, to, dataset_tags(table_, spec_.dataset));
    DatesBySymbol present;
    bool stored_any = false;
    for (int64_t stored = 0;; ++stored) {
      Result<std::optional<RecordBatch>> next = stream->next();
      if (!next.is_ok()) return next.status().with_context("fetching " + where);
      if (!next->has_value()) break;
      // Between the batches of a long stream; a fetch's first batch is always stored, so a
      // source returning one batch finishes its chunk as before.
      if (stored > 0 && progress_.cancel_requested()) {
        return error(ErrorCode::kCancelled, "ingest job cancelled during {} after {} batch(es)",
                     where, stored);
      }
      MYSTOCKS_RETURN_IF_ERROR(store_batch(std::move(**next), where, scope, present));
      stored_any = true;
    }
    if (spec_.replace && !stored_any) {
      // The source has nothing in the chunk any more: the replace still empties its scope.
      Result<RecordBatch> empty = RecordBatchBuilder(table_.schema()).finish();
      if (!empty.is_ok()) return empty.status();
      MYSTOCKS_RETURN_IF_ERROR(store_batch(std::move(empty).value(), where, scope, present));
    }
    if (checks_calendar_gaps(spec_.dataset.type)) {
      for (auto& [symbol, dates] : present) {
        std::sort(dates.begin(), dates.end());
        dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
      }
      count_gaps(present, group, from, to, resume);
    }
    progress_.add({}, true);
    return Status::ok();
  }

  // Normalises, drops what is stored, checks and saves one batch of a fetch.
  // `scope`: what a replace job swaps for the batch (the whole plan chunk).
  Status store_batch(RecordBatch batch, const std::string& where, const RangeScope& scope,
                     DatesBySymbol& present) {
    MYSTOCKS_RETURN_IF_ERROR(normalize_symbols(batch));
    if (spec_.dataset.type == DataType::kDaily || spec_.dataset.type == DataType::kIndexDaily) {
      Result<int64_t> provisional =
          mark_provisional_daily_bars(batch, pipeline_.clock_.now_ms());
      if (!provisional.is_ok()) return provisional.status().with_context(where);
      // A CSV without pre_close: derive it, so breadth and limit checks see the bar.
      Result<int64_t> derived = PreCloseFiller(pipeline_.manager_, table_.name).fill(batch);
      if (!derived.is_ok()) return derived.status().with_context(where);
    }
    ChunkCounts counts;
    counts.fetched = static_cast<int64_t>(batch.num_rows());
    if (checks_calendar_gaps(spec_.dataset.type)) {
      for (auto& [symbol, dates] : dates_by_symbol(table_, batch, "symbol")) {
        std::vector<int32_t>& all = present[symbol];
        all.insert(all.end(), dates.begin(), dates.end());
      }
    }

    std::vector<uint8_t> keep(batch.num_rows(), 1);
    Result<int64_t> skipped =
        spec_.replace ? Result<int64_t>(int64_t{0}) : tail_.drop_stored(batch, keep);
    if (!skipped.is_ok()) return skipped.status();
    counts.skipped = *skipped;
    RecordBatch fresh = keep_rows(std::move(batch), keep, counts.fetched - counts.skipped);

    const int64_t findings_before = report_.total_findings();
    std::vector<uint8_t> invalid = check_batch_quality(table_, fresh, quality_options_, report_);
    counts.findings = report_.total_findings() - findings_before;
    const int64_t rejected = std::count(invalid.begin(), invalid.end(), uint8_t{1});
    if (rejected > 0 && spec_.strategy != SaveStrategy::kContinue) {
      progress_.add(counts, false);
      return error(ErrorCode::kInvalidArgument,
                   "{} row(s) of {} fail quality checks ({}); strategy {} writes nothing of "
                   "this batch of up to ingest.chunk_rows rows (strategy continue drops invalid "
                   "rows instead)",
                   rejected, where, first_rejecting_example(), save_strategy_name(spec_.strategy));
    }
    for (uint8_t& flag : invalid) flag = flag == 0 ? 1 : 0;
    const int64_t valid_rows = static_cast<int64_t>(fresh.num_rows()) - rejected;
    RecordBatch valid = keep_rows(std::move(fresh), invalid, valid_rows);
    counts.rejected = rejected;
    if (valid.num_rows() > 0 && spec_.dataset.type == DataType::kSymbols) {
      Result<RecordBatch> complete = SymbolRegistrar::mark_complete(table_, std::move(valid));
      if (!complete.is_ok()) return complete.status().with_context("saving " + where);
      valid = std::move(*complete);
    }
    if (spec_.replace) {
      // Even with no valid rows: what the source no longer has in the chunk goes.
      Result<ReplaceReport> replaced =
          pipeline_.manager_.replace(table_.name, scope, valid);
      if (!replaced.is_ok()) {
        progress_.add(counts, false);
        return replaced.status().with_context("replacing " + where);
      }
      counts.written = replaced->rows_written;
      counts.deleted = replaced->rows_deleted;
    } else if (valid.num_rows() > 0) {
      Result<SaveReport> saved = pipeline_.manager_.save(table_.name, valid, spec_.strategy);
      if (!saved.is_ok()) {
        progress_.add(counts, false);
        return saved.status().with_context("saving " + where);
      }
      counts.written = saved->rows_written;
      counts.rejected += saved->rows_rejected;
    }
    if (valid.num_rows() > 0 && needs_master_entry(spec_.dataset.type)) {
      Result<std::vector<std::string>> registered = registrar_.register_missing(valid);
      if (!registered.is_ok()) {
        progress_.add(counts, false);
        return registered.status().with_context("after saving " + where);
      }
      if (!registered->empty()) progress_.add_registered_symbols(*registered);
    }
    progress_.add(counts, false);
    return Status::ok();
  }

  // Trading days in [max(from, symbol's resume date), to] on which the source returned no row.
  // `present`: the sorted dates each symbol has a row on.
  void count_gaps(const DatesBySymbol& present, const std::vector<Symbol>& group, Date from,
                  Date to, const std::map<std::string, Date>& resume) {
    if (!calendar_.covers(from) || !calendar_.covers(to)) return;
    report_[QualityCheck::kCalendarGap].applied = true;
    std::vector<std::string> expected;
    for (const Symbol& symbol : group) expected.push_back(symbol.to_string());
    if (group.empty()) {
      for (const auto& entry : present) expected.push_back(entry.first);
    }
    static const std::vector<int32_t> kNone;
    const std::vector<Date>& days = calendar_.trading_days();
    for (const std::string& symbol : expected) {
      auto resumed = resume.find(symbol);
      const Date start = resumed == resume.end() ? from : std::max(from, resumed->second);
      auto found = present.find(symbol);
      const std::vector<int32_t>& have = found == present.end() ? kNone : found->second;
      int64_t missing = 0;
      std::string first_missing;
      for (size_t day = static_cast<size_t>(calendar_.lower_index(start));
           day < days.size() && days[day] <= to; ++day) {
        if (std::binary_search(have.begin(), have.end(), days[day].days)) continue;
        if (missing++ == 0) first_missing = days[day].to_string();
      }
      if (missing == 0) continue;
      report_.add(QualityCheck::kCalendarGap, symbol, missing,
                  fmt::format("{} {}: no row on a trading day (suspended, or missing)", symbol,
                              first_missing));
    }
  }

  std::string first_rejecting_example() const {
    for (size_t check_idx = 0; check_idx < kQualityCheckCount; ++check_idx) {
      const QualityCheck check = static_cast<QualityCheck>(check_idx);
      if (quality_check_rejects(check) && report_[check].findings > 0) {
        return fmt::format("{}: {}", quality_check_name(check), report_[check].example);
      }
    }
    return "see data_quality_metrics";
  }

  const IngestPipeline& pipeline_;
  const IngestJobSpec& spec_;
  sources::IDataSource& source_;
  IngestProgress& progress_;
  const storage::TableSchema& table_;
  StoredTail tail_;
  SymbolRegistrar registrar_;
  const sources::TradingCalendar& calendar_;
  QualityOptions quality_options_;
  QualityReport report_;
  int64_t started_ms_ = 0;
};

IngestOptions ingest_options(const IngestConfig& config) {
  IngestOptions options;
  options.chunk_symbols = static_cast<int>(config.chunk_symbols);
  options.chunk_rows = static_cast<size_t>(config.chunk_rows);
  return options;
}

IngestPipeline::IngestPipeline(DataManager& manager, const storage::TableCatalog& catalog,
                               const Clock& clock, IngestOptions options)
    : manager_(manager), catalog_(catalog), clock_(clock), options_(std::move(options)) {}

IngestSummary IngestPipeline::run(const IngestJobSpec& spec, sources::IDataSource& source,
                                  IngestProgress& progress) const {
  IngestSummary summary;
  progress.start(0);
  Result<const storage::TableSchema*> table = catalog_.find(table_for(spec.dataset));
  if (!table.is_ok()) {
    summary.status = table.status().with_context("dataset " + spec.dataset.to_string());
    progress.finish(summary.status);
    summary.progress = progress.snapshot();
    return summary;
  }
  Job job(*this, spec, source, progress, **table);
  job.set_started(clock_.now_ms());
  summary.status = job.run();
  Result<int64_t> quality = job.write_quality();
  if (quality.is_ok()) {
    summary.quality_rows_written = *quality;
  } else if (summary.status.is_ok()) {
    summary.status = quality.status();
  }
  summary.quality = std::move(job.report());
  progress.finish(summary.status);
  summary.progress = progress.snapshot();
  return summary;
}

}  // namespace mystocks::services
