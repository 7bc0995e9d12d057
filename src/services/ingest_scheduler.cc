#include "services/ingest_scheduler.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/thread_guard.h"

namespace mystocks::services {
namespace {

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

}  // namespace

Result<std::optional<DailyTime>> parse_schedule(std::string_view text, std::string_view field) {
  if (text.empty()) return std::optional<DailyTime>();
  auto digit = [&](size_t at) { return text[at] >= '0' && text[at] <= '9' ? text[at] - '0' : -1; };
  if (text.size() == 11 && text.starts_with("daily@") && text[8] == ':' && digit(6) >= 0 &&
      digit(7) >= 0 && digit(9) >= 0 && digit(10) >= 0) {
    const DailyTime at{digit(6) * 10 + digit(7), digit(9) * 10 + digit(10)};
    if (at.hour < 24 && at.minute < 60) return std::optional<DailyTime>(at);
  }
  return field_error(ErrorCode::kInvalidConfig, std::string(field),
                     "{} has value '{}': expected \"\" (off) or daily@HH:MM in Asia/Shanghai, "
                     "for example daily@15:30",
                     field, text);
}

Result<std::vector<ScheduledJob>> scheduled_jobs(const IngestConfig& config) {
  Result<std::optional<DailyTime>> at = parse_schedule(config.schedule);
  if (!at.is_ok()) return at.status();
  std::vector<ScheduledJob> jobs;
  if (!at->has_value()) return jobs;
  Result<SaveStrategy> strategy = parse_save_strategy(config.strategy);
  if (!strategy.is_ok()) {
    return field_error(ErrorCode::kInvalidConfig, "ingest.strategy",
                       "ingest.strategy has value '{}': expected rollback, continue or retry",
                       config.strategy);
  }
  const std::vector<std::string> datasets = split_list(config.schedule_datasets);
  if (datasets.empty()) {
    return field_error(ErrorCode::kInvalidConfig, "ingest.schedule_datasets",
                       "ingest.schedule_datasets is empty while ingest.schedule is '{}': name at "
                       "least one dataset, e.g. daily,index_daily",
                       config.schedule);
  }
  for (const std::string& name : datasets) {
    Result<sources::Dataset> dataset = sources::parse_dataset(name);
    if (!dataset.is_ok() || !dataset_uses_dates(dataset->type) ||
        dataset->type == sources::DataType::kNews) {
      return field_error(ErrorCode::kInvalidConfig, "ingest.schedule_datasets",
                         "ingest.schedule_datasets names '{}': expected dated datasets such as "
                         "daily, index_daily, minute:1m, tick, fund_flow",
                         name);
    }
    jobs.push_back(
        ScheduledJob{.name = "daily-update:" + dataset->to_string(),
                     .at = **at,
                     .make_spec = [dataset = *dataset, source = config.schedule_source,
                                   strategy = *strategy, chunk = config.chunk_symbols](Date day) {
                       IngestJobSpec spec;
                       spec.source = source;
                       spec.dataset = dataset;
                       spec.all_symbols = true;
                       spec.from = day;
                       spec.to = day;
                       spec.strategy = strategy;
                       spec.chunk_symbols = static_cast<int>(chunk);
                       return spec;
                     }});
  }
  return jobs;
}

IngestScheduler::IngestScheduler(const Clock& clock, const sources::TradingCalendar& calendar,
                                 Submit submit)
    : clock_(clock), calendar_(calendar), submit_(std::move(submit)) {}

IngestScheduler::~IngestScheduler() { stop(); }

void IngestScheduler::add(ScheduledJob job) {
  std::lock_guard lock(mutex_);
  slots_.push_back(Slot{std::move(job)});
}

std::optional<int64_t> IngestScheduler::due_ms_locked(const Slot& slot, Date from) const {
  Date day = from;
  if (day.days <= slot.last_run_day) day = Date{slot.last_run_day + 1};
  std::optional<Date> trading = calendar_.next_trading_day(day);
  if (!trading) return std::nullopt;
  return shanghai_time(*trading, slot.job.at.hour, slot.job.at.minute);
}

int IngestScheduler::run_due() {
  std::vector<std::pair<ScheduledJob, Date>> due;
  std::unique_lock lock(mutex_);
  const int64_t now = clock_.now_ms();
  const Date today = shanghai_date(now);
  if (!calendar_.is_trading_day(today)) return 0;
  for (Slot& slot : slots_) {
    if (slot.last_run_day >= today.days) continue;
    if (now < shanghai_time(today, slot.job.at.hour, slot.job.at.minute)) continue;
    slot.last_run_day = today.days;
    due.emplace_back(slot.job, today);
  }
  // Submitting outside the lock (copies of the jobs): the runner may be slow to accept.
  lock.unlock();
  int submitted = 0;
  for (const auto& entry : due) {
    const ScheduledJob& job = entry.first;
    const Date day = entry.second;
    // A submission that throws is reported (and the job is not submitted); the others still are.
    Status status =
        guard_thread_work("ingest-scheduler", [&] { return submit_(job, job.make_spec(day)); });
    if (status.is_ok()) {
      ++submitted;
      spdlog::info("scheduled ingest job {} submitted for {}", job.name, day.to_string());
    } else {
      spdlog::warn("scheduled ingest job {} for {} not submitted: {}", job.name, day.to_string(),
                   status.to_string());
    }
  }
  return submitted;
}

std::optional<int64_t> IngestScheduler::next_due_ms() const {
  std::lock_guard lock(mutex_);
  const Date today = shanghai_date(clock_.now_ms());
  std::optional<int64_t> next;
  for (const Slot& slot : slots_) {
    std::optional<int64_t> due = due_ms_locked(slot, today);
    if (due && (!next || *due < *next)) next = due;
  }
  return next;
}

void IngestScheduler::start() {
  thread_ = std::thread([this] { (void)run_thread("ingest-scheduler", [this] { run(); }); });
}

void IngestScheduler::run() {
  while (true) {
    (void)run_due();
    const std::optional<int64_t> next = next_due_ms();
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    // At most a minute at a time, so a wall-clock jump (NTP, suspend) is noticed soon.
    const int64_t wait_ms = next ? std::clamp<int64_t>(*next - clock_.now_ms(), 0, 60'000) : 60'000;
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_; });
    if (stopping_) return;
  }
}

void IngestScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace mystocks::services
