#include "sources/simulator/live_feed.h"

#include <algorithm>
#include <cassert>

#include "sources/simulator/depth_rows.h"
#include "sources/simulator/forming_bars.h"
#include "sources/simulator/simulator_rows.h"

namespace mystocks::sources {
namespace {

constexpr int64_t kAuctionStartMs = (9 * 60 + 15) * kMillisPerMinute;
constexpr int64_t kMatchMs = (9 * 60 + 25) * kMillisPerMinute;
constexpr int64_t kMorningOpenMs = (9 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kMorningCloseMs = (11 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kAfternoonOpenMs = 13 * 60 * kMillisPerMinute;
constexpr int64_t kAfternoonCloseMs = 15 * 60 * kMillisPerMinute;
constexpr int kMaxDaysAhead = 40;  // longer than any exchange closure (Spring Festival: 10 days)

// The next mark (ms of the day) after `local` in a session window whose first mark is
// `open + 3 s` and last `close`; -1 when none.
int64_t next_in_window(int64_t local, int64_t open, int64_t close) {
  if (local < open + kSnapshotIntervalMs) return open + kSnapshotIntervalMs;
  if (local >= close) return -1;
  return open + ((local - open) / kSnapshotIntervalMs + 1) * kSnapshotIntervalMs;
}

}  // namespace

struct LiveFeed::Session {
  Date date{};
  int day = -1;                                     // model trading day; -1 = nothing trades
  std::vector<std::optional<DayPlan>> stock_plans;  // per securities_ entry; empty = suspended
  std::vector<DayPlan> index_plans;                 // per indices_ entry
  int buffered_phase = -2;                          // -1 = auction, 0..239 = minute
  std::vector<std::vector<Snapshot>> stock_buffers;
  std::vector<std::vector<Snapshot>> index_buffers;
};

// The minute the newest emitted mark left open: its snapshots so far are
// stock_buffers[i][first_slot..last_slot] of the buffered phase (the minute's own buffer, or for
// the 09:25 match, which opens minute 0, the auction buffer's last slot).
struct LiveFeed::OpenMinute {
  int minute = 0;
  size_t first_slot = 0;
  size_t last_slot = 0;
};

Result<std::unique_ptr<LiveFeed>> LiveFeed::create(
    std::shared_ptr<const MarketSimulator> simulator,
    std::shared_ptr<const storage::TableCatalog> catalog, const Clock& clock, LiveOptions options) {
  if (!(options.speed > 0.0)) {
    return field_error(ErrorCode::kInvalidArgument, "sources.live_speed",
                       "live feed speed {} must be greater than 0", options.speed);
  }
  if (options.max_rows < 1) {
    return field_error(ErrorCode::kInvalidArgument, "sources.live_max_rows",
                       "live feed max_rows {} must be at least 1", options.max_rows);
  }
  Result<const storage::TableSchema*> tick = catalog->find("tick");
  if (!tick.is_ok()) return tick.status().with_context("live feed");
  Result<const storage::TableSchema*> index_quote = catalog->find("index_quote");
  if (!index_quote.is_ok()) return index_quote.status().with_context("live feed");
  MYSTOCKS_RETURN_IF_ERROR(
      TableWriter(**tick).require_fillable(tick_filled_columns(), "the live feed"));
  MYSTOCKS_RETURN_IF_ERROR(
      TableWriter(**index_quote).require_fillable(index_quote_filled_columns(), "the live feed"));
  std::vector<uint32_t> securities;
  const Universe& universe = simulator->universe();
  if (options.symbols.empty()) {
    securities = universe.sorted_securities();
  } else {
    for (size_t position = 0; position < options.symbols.size(); ++position) {
      std::optional<uint32_t> found = universe.find_security(options.symbols[position]);
      if (!found) {
        return field_error(ErrorCode::kNotFound, "symbols[" + std::to_string(position) + "]",
                           "live feed: {} is not a simulated security",
                           options.symbols[position].to_string());
      }
      securities.push_back(*found);
    }
    std::sort(securities.begin(), securities.end(), [&](uint32_t a, uint32_t b) {
      return universe.securities()[a].canonical < universe.securities()[b].canonical;
    });
    securities.erase(std::unique(securities.begin(), securities.end()), securities.end());
  }
  // Quotes and bars are optional outputs: a catalog without their tables just gets none.
  const storage::TableSchema* quote_table = nullptr;
  if (Result<const storage::TableSchema*> found = catalog->find("realtime_quote"); found.is_ok()) {
    MYSTOCKS_RETURN_IF_ERROR(
        TableWriter(**found).require_fillable(quote_filled_columns(), "the live feed"));
    quote_table = *found;
  }
  const storage::TableSchema* minute_table = nullptr;
  if (Result<const storage::TableSchema*> found = catalog->find("minute_kline"); found.is_ok()) {
    MYSTOCKS_RETURN_IF_ERROR(
        TableWriter(**found).require_fillable(minute_bar_filled_columns(), "the live feed"));
    minute_table = *found;
  }
  const storage::TableSchema* depth_table = nullptr;
  if (Result<const storage::TableSchema*> found = catalog->find("order_book_depth");
      found.is_ok()) {
    MYSTOCKS_RETURN_IF_ERROR(
        TableWriter(**found).require_fillable(depth_filled_columns(), "the live feed"));
    depth_table = *found;
  }
  std::unique_ptr<LiveFeed> feed(new LiveFeed(std::move(simulator), std::move(catalog), **tick,
                                              **index_quote, clock, std::move(options),
                                              std::move(securities)));
  feed->quote_table_ = quote_table;
  feed->minute_table_ = minute_table;
  feed->depth_table_ = depth_table;
  return feed;
}

LiveFeed::LiveFeed(std::shared_ptr<const MarketSimulator> simulator,
                   std::shared_ptr<const storage::TableCatalog> catalog,
                   const storage::TableSchema& tick, const storage::TableSchema& index_quote,
                   const Clock& clock, LiveOptions options, std::vector<uint32_t> securities)
    : simulator_(std::move(simulator)),
      catalog_(std::move(catalog)),
      tick_table_(&tick),
      index_table_(&index_quote),
      clock_(&clock),
      options_(std::move(options)),
      session_clock_(clock.now_ms(), options_.speed, options_.always_open),
      securities_(std::move(securities)),
      cursor_(session_clock_.market_time(clock.now_ms())) {
  if (options_.resume_after) {
    if (std::optional<SessionResume> resume =
            resume_session(session_clock_, clock.now_ms(), *options_.resume_after)) {
      session_clock_ = resume->clock;
      cursor_ = resume->cursor;
    }
  }
  if (options_.index_quotes) {
    for (uint32_t index = 0; index < simulator_->universe().indices().size(); ++index) {
      indices_.push_back(index);
    }
    std::sort(indices_.begin(), indices_.end(), [&](uint32_t a, uint32_t b) {
      return simulator_->universe().indices()[a].canonical <
             simulator_->universe().indices()[b].canonical;
    });
  }
}

LiveFeed::~LiveFeed() = default;

bool LiveFeed::is_session_date(Date date) const {
  if (options_.always_open) return true;
  return simulator_->calendar().is_trading_day(date);
}

int LiveFeed::model_day(Date date) const {
  const TradingCalendar& calendar = simulator_->calendar();
  if (!options_.always_open) return calendar.day_index(date);
  const int last = static_cast<int>(calendar.trading_days().size()) - 1;
  return std::min(calendar.lower_index(date), last);
}

std::optional<TimestampMs> LiveFeed::next_mark(TimestampMs after) const {
  const Date first = shanghai_date(after);
  for (int ahead = 0; ahead <= kMaxDaysAhead; ++ahead) {
    const Date date{first.days + ahead};
    if (!is_session_date(date)) continue;
    const TimestampMs midnight = shanghai_time(date, 0, 0);
    const int64_t local = after - midnight;  // negative on later dates: their first mark
    // The demo session clock skips the call auction; market hours include it.
    if (!options_.always_open && local < kMatchMs) {
      if (local < kAuctionStartMs) return midnight + kAuctionStartMs;
      return midnight + kAuctionStartMs +
             ((local - kAuctionStartMs) / kSnapshotIntervalMs + 1) * kSnapshotIntervalMs;
    }
    const int64_t morning = next_in_window(local, kMorningOpenMs, kMorningCloseMs);
    if (morning >= 0) return midnight + morning;
    const int64_t afternoon =
        next_in_window(std::max(local, kAfternoonOpenMs), kAfternoonOpenMs, kAfternoonCloseMs);
    if (afternoon >= 0 && afternoon > local) return midnight + afternoon;
  }
  return std::nullopt;
}

LiveFeed::Session& LiveFeed::session_for(Date date) {
  if (session_ && session_->date == date) return *session_;
  auto session = std::make_unique<Session>();
  session->date = date;
  session->day = model_day(date);
  if (session->day >= 0) {
    const MarketBridge bridge = simulator_->market().intraday_bridge(session->day);
    std::vector<StockDay> days;
    session->stock_plans.reserve(securities_.size());
    for (uint32_t security : securities_) {
      simulator_->stock_days(security, session->day, days);
      const StockDay& today = days[session->day];
      session->stock_plans.push_back(today.trading ? std::optional<DayPlan>(simulator_->stock_plan(
                                                         security, today, session->day, &bridge))
                                                   : std::nullopt);
    }
    for (uint32_t index : indices_) {
      const std::vector<IndexDay> index_days = simulator_->index_days(index, session->day);
      session->index_plans.push_back(
          simulator_->index_plan(index, index_days[session->day], session->day, &bridge));
    }
  }
  session->stock_buffers.resize(securities_.size());
  session->index_buffers.resize(indices_.size());
  session_ = std::move(session);
  return *session_;
}

Result<LiveBatch> LiveFeed::next_batch(TimestampMs now) {
  const TimestampMs target = market_time(now);
  TableWriter ticks(*tick_table_);
  TableWriter quotes(*index_table_);
  const TickColumns tick_columns(ticks);
  const IndexQuoteColumns quote_columns(quotes);
  LiveBatch batch;
  int64_t rows = 0;
  bool cut_short = false;
  // Derived outputs: each security's newest snapshot (for its quote) and the finished minutes.
  std::vector<std::optional<Snapshot>> newest(securities_.size());
  Date newest_date{};
  std::optional<TableWriter> bars;
  std::optional<MinuteBarColumns> bar_columns;
  std::optional<OpenMinute> open_minute;  // as of the newest mark emitted
  if (minute_table_ != nullptr) {
    bars.emplace(*minute_table_);
    bar_columns.emplace(*bars);
  }
  std::optional<TableWriter> depth;
  std::optional<DepthColumns> depth_columns;
  if (depth_table_ != nullptr) {
    depth.emplace(*depth_table_);
    depth_columns.emplace(*depth);
  }
  while (true) {
    const std::optional<TimestampMs> mark = next_mark(cursor_);
    if (!mark || *mark > target) break;
    if (rows > 0 && rows + static_cast<int64_t>(securities_.size()) > options_.max_rows) {
      cut_short = true;
      break;
    }
    const Date date = shanghai_date(*mark);
    Session& session = session_for(date);
    if (newest_date.days != date.days) {  // a new session: quotes restart from its snapshots
      std::fill(newest.begin(), newest.end(), std::nullopt);
      newest_date = date;
    }
    cursor_ = *mark;
    open_minute.reset();
    if (session.day < 0) continue;
    const int64_t local = *mark - shanghai_time(date, 0, 0);
    const int phase = local <= kMatchMs ? -1 : snapshot_minute(*mark);
    if (session.buffered_phase != phase) {
      for (size_t i = 0; i < securities_.size(); ++i) {
        session.stock_buffers[i].clear();
        if (!session.stock_plans[i]) continue;
        const TickGenerator generator =
            simulator_->stock_ticks(*session.stock_plans[i], securities_[i]);
        if (phase < 0) {
          generator.auction(session.stock_buffers[i]);
        } else {
          generator.minute(phase, session.stock_buffers[i]);
        }
      }
      for (size_t i = 0; i < indices_.size(); ++i) {
        session.index_buffers[i].clear();
        const TickGenerator generator =
            simulator_->index_ticks(session.index_plans[i], indices_[i]);
        if (phase < 0) {
          generator.auction(session.index_buffers[i]);
        } else {
          generator.minute(phase, session.index_buffers[i]);
        }
      }
      session.buffered_phase = phase;
    }
    // Position of this mark inside the phase's buffer.
    const int64_t slot =
        phase < 0 ? (local - kAuctionStartMs) / kSnapshotIntervalMs
                  : (*mark - trading_minute_start(date, phase)) / kSnapshotIntervalMs - 1;
    for (size_t i = 0; i < securities_.size(); ++i) {
      if (!session.stock_plans[i]) continue;  // suspended today
      Snapshot snapshot = session.stock_buffers[i][static_cast<size_t>(slot)];
      snapshot.ts = *mark;  // the model day's snapshot, stamped on the session date
      const SecurityInfo& info = simulator_->universe().securities()[securities_[i]];
      write_tick(ticks, tick_columns, info.canonical, exchange_name(info.symbol.exchange()),
                 session.stock_plans[i]->pre_close, snapshot);
      if (depth && has_trading_book(snapshot)) {
        write_depth(*depth, *depth_columns, info.canonical, exchange_name(info.symbol.exchange()),
                    snapshot);
      }
      newest[i] = snapshot;
      ++rows;
    }
    // The minute's last mark closes its bar.
    const bool minute_closes =
        phase >= 0 && slot + 1 == static_cast<int64_t>(kSnapshotsPerMinute);
    if (phase >= 0 && !minute_closes) {
      open_minute = OpenMinute{phase, 0, static_cast<size_t>(slot)};
    } else if (phase < 0 && local == kMatchMs) {
      open_minute = OpenMinute{0, static_cast<size_t>(slot), static_cast<size_t>(slot)};
    }
    if (bars && minute_closes) {
      for (size_t i = 0; i < securities_.size(); ++i) {
        if (!session.stock_plans[i]) continue;
        write_minute_bar(*bars, *bar_columns,
                         simulator_->universe().securities()[securities_[i]].canonical, "1m",
                         trading_minute_start(date, phase),
                         session.stock_plans[i]->minutes[static_cast<size_t>(phase)]);
      }
    }
    for (size_t i = 0; i < indices_.size(); ++i) {
      // Indices have no pre-match auction snapshots: only the 09:25 open.
      const std::vector<Snapshot>& buffer = session.index_buffers[i];
      if (phase < 0 && local != kMatchMs) continue;
      Snapshot snapshot = phase < 0 ? buffer.back() : buffer[static_cast<size_t>(slot)];
      snapshot.ts = *mark;
      write_index_quote(quotes, quote_columns,
                        simulator_->universe().indices()[indices_[i]].canonical,
                        session.index_plans[i].pre_close, snapshot);
    }
  }
  if (!cut_short) cursor_ = std::max(cursor_, target);
  if (quote_table_ != nullptr) {
    TableWriter quote_rows(*quote_table_);
    const QuoteColumns columns(quote_rows);
    for (size_t i = 0; i < securities_.size() && session_ != nullptr; ++i) {
      // newest[] holds snapshots of the current session only, so its plans apply.
      const Session& session = *session_;
      if (!newest[i] || !session.stock_plans[i]) continue;
      const SecurityInfo& info = simulator_->universe().securities()[securities_[i]];
      const DayPlan& plan = *session.stock_plans[i];
      write_quote(quote_rows, columns, info.canonical, plan.pre_close, *newest[i],
                  plan.has_limits ? std::optional<PriceLimits>(plan.limits) : std::nullopt,
                  info.float_shares);
    }
    Result<RecordBatch> quote_batch = quote_rows.finish();
    if (!quote_batch.is_ok()) return quote_batch.status();
    batch.quotes = std::move(quote_batch).value();
  }
  if (bars) {
    Result<RecordBatch> bar_batch = bars->finish();
    if (!bar_batch.is_ok()) return bar_batch.status();
    batch.minute_bars = std::move(bar_batch).value();
  }
  if (depth) {
    Result<RecordBatch> depth_batch = depth->finish();
    if (!depth_batch.is_ok()) return depth_batch.status();
    batch.depth = std::move(depth_batch).value();
  }
  if (minute_table_ != nullptr && open_minute) {
    Result<RecordBatch> forming = forming_bars(*open_minute);
    if (!forming.is_ok()) return forming.status();
    batch.forming_bars = std::move(forming).value();
  }
  Result<RecordBatch> tick_batch = ticks.finish();
  if (!tick_batch.is_ok()) return tick_batch.status();
  Result<RecordBatch> quote_batch = quotes.finish();
  if (!quote_batch.is_ok()) return quote_batch.status();
  batch.ticks = std::move(tick_batch).value();
  batch.index_quotes = std::move(quote_batch).value();
  batch.market_time = cursor_;
  batch.caught_up = !cut_short;
  return batch;
}

Result<RecordBatch> LiveFeed::forming_bars(const OpenMinute& open) const {
  // REQUIRES: open describes session_'s buffered phase (next_batch sets it with the buffers).
  const Session& session = *session_;
  TableWriter rows(*minute_table_);
  const MinuteBarColumns columns(rows);
  const TimestampMs start = trading_minute_start(session.date, open.minute);
  for (size_t i = 0; i < securities_.size(); ++i) {
    if (!session.stock_plans[i]) continue;  // suspended today
    const std::span<const Snapshot> so_far(session.stock_buffers[i].data() + open.first_slot,
                                           open.last_slot - open.first_slot + 1);
    write_forming_minute_bar(
        rows, columns, simulator_->universe().securities()[securities_[i]].canonical, "1m", start,
        forming_minute_bar(*session.stock_plans[i], open.minute, so_far));
  }
  return rows.finish();
}

}  // namespace mystocks::sources
