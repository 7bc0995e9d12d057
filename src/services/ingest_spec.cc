#include "services/ingest_spec.h"

#include <algorithm>
#include <string_view>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "sources/source_factory.h"

namespace mystocks::services {
namespace {

using sources::DataType;

constexpr std::string_view kMembers[] = {"source",     "dataset", "symbols",  "all",
                                         "from",       "to",      "strategy", "chunk_symbols",
                                         "chunk_days", "replace"};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Result<std::vector<Symbol>> parse_symbol_list(const std::vector<std::string>& texts,
                                              const JobSpecRules& rules) {
  if (texts.size() > rules.max_symbols) {
    return field_error(ErrorCode::kInvalidArgument, "symbols",
                       "symbols lists {} symbols: at most {} are accepted (use all instead)",
                       texts.size(), rules.max_symbols);
  }
  std::vector<Symbol> symbols;
  symbols.reserve(texts.size());
  for (size_t index = 0; index < texts.size(); ++index) {
    Result<Symbol> symbol = Symbol::parse(trim(texts[index]), fmt::format("symbols[{}]", index));
    if (!symbol.is_ok()) return symbol.status();
    symbols.push_back(*symbol);
  }
  std::sort(symbols.begin(), symbols.end(),
            [](const Symbol& a, const Symbol& b) { return a.to_string() < b.to_string(); });
  symbols.erase(
      std::unique(symbols.begin(), symbols.end(),
                  [](const Symbol& a, const Symbol& b) { return a.to_string() == b.to_string(); }),
      symbols.end());
  return symbols;
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view part = trim(text.substr(0, comma));
    parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

Result<IngestJobSpec> build(const JobSpecFields& fields, std::vector<std::string> symbol_texts,
                            const JobSpecRules& rules) {
  IngestJobSpec spec;
  if (fields.dataset.empty()) {
    return field_error(ErrorCode::kInvalidArgument, "dataset",
                       "dataset is required: daily, index_daily, minute:1m|5m|15m|30m|60m, tick, "
                       "symbols, calendar, index_components, fundamentals, fund_flow or realtime");
  }
  Result<sources::Dataset> dataset = sources::parse_dataset(fields.dataset);
  if (!dataset.is_ok()) {
    // "minute:2m" fails on its interval; the caller's field is still `dataset`.
    return Status(dataset.status().code(), dataset.status().message(), "dataset");
  }
  if (dataset->type == DataType::kNews) {
    return field_error(ErrorCode::kInvalidArgument, "dataset",
                       "dataset 'news' cannot be ingested: tables.yaml declares no news table");
  }
  spec.dataset = *dataset;

  if (!fields.source.empty() && !rules.known_sources.empty() &&
      std::find(rules.known_sources.begin(), rules.known_sources.end(), fields.source) ==
          rules.known_sources.end()) {
    return field_error(ErrorCode::kInvalidArgument, "source",
                       "source '{}' is not configured: expected one of {}{}", fields.source,
                       join(rules.known_sources), sources::unconfigured_source_hint(fields.source));
  }
  spec.source = fields.source;

  const DataType type = spec.dataset.type;
  if (fields.all_symbols && !symbol_texts.empty()) {
    return field_error(ErrorCode::kInvalidArgument, "symbols",
                       "give either symbols or all, not both");
  }
  if (!symbol_texts.empty()) {
    Result<std::vector<Symbol>> symbols = parse_symbol_list(symbol_texts, rules);
    if (!symbols.is_ok()) return symbols.status();
    spec.symbols = std::move(*symbols);
  } else if (fields.all_symbols || !dataset_uses_symbols(type)) {
    spec.all_symbols = true;
  } else {
    return field_error(ErrorCode::kInvalidArgument, "symbols",
                       "dataset {} needs symbols (for example 600519.SH,000001) or all",
                       spec.dataset.to_string());
  }

  if (dataset_uses_dates(type)) {
    if (fields.from.empty()) {
      return field_error(ErrorCode::kInvalidArgument, "from",
                         "from is required for dataset {} (YYYY-MM-DD)", spec.dataset.to_string());
    }
    if (fields.to.empty()) {
      return field_error(ErrorCode::kInvalidArgument, "to",
                         "to is required for dataset {} (YYYY-MM-DD)", spec.dataset.to_string());
    }
  }
  if (!fields.from.empty()) {
    Result<Date> from = parse_date(fields.from, "from");
    if (!from.is_ok()) return from.status();
    spec.from = *from;
  }
  if (!fields.to.empty()) {
    Result<Date> to = parse_date(fields.to, "to");
    if (!to.is_ok()) return to.status();
    spec.to = *to;
  }
  if (fields.from.empty() != fields.to.empty()) {
    // Only reachable for undated datasets; a lone bound is still a mistake worth naming.
    return field_error(ErrorCode::kInvalidArgument, fields.from.empty() ? "from" : "to",
                       "give both from and to, or neither, for dataset {}",
                       spec.dataset.to_string());
  }
  if (spec.from > spec.to) {
    return field_error(ErrorCode::kInvalidArgument, "from",
                       "from {} is after to {}: expected from <= to", spec.from.to_string(),
                       spec.to.to_string());
  }

  spec.strategy = rules.default_strategy;
  if (!fields.strategy.empty()) {
    Result<SaveStrategy> strategy = parse_save_strategy(fields.strategy);
    if (!strategy.is_ok()) {
      return field_error(ErrorCode::kInvalidArgument, "strategy",
                         "strategy '{}' is unknown: expected rollback, continue or retry",
                         fields.strategy);
    }
    spec.strategy = *strategy;
  }
  if (fields.chunk_symbols < 0 || fields.chunk_symbols > 10000) {
    return field_error(ErrorCode::kInvalidArgument, "chunk_symbols",
                       "chunk_symbols {} is out of range: expected 1..10000 (0 = default)",
                       fields.chunk_symbols);
  }
  if (fields.chunk_days < 0 || fields.chunk_days > 3660) {
    return field_error(ErrorCode::kInvalidArgument, "chunk_days",
                       "chunk_days {} is out of range: expected 1..3660 (0 = default)",
                       fields.chunk_days);
  }
  spec.chunk_symbols = static_cast<int>(fields.chunk_symbols);
  spec.chunk_days = static_cast<int>(fields.chunk_days);
  if (fields.replace && !dataset_uses_dates(type)) {
    return field_error(ErrorCode::kInvalidArgument, "replace",
                       "dataset {} has no date range to replace: its rows are re-written "
                       "whole on every run, so run it without replace",
                       spec.dataset.to_string());
  }
  spec.replace = fields.replace;
  return spec;
}

Status wrong_type(std::string_view member, std::string_view expected) {
  return field_error(ErrorCode::kInvalidArgument, std::string(member), "{} must be {}", member,
                     expected);
}

}  // namespace

bool dataset_uses_dates(DataType type) {
  return type != DataType::kSymbols && type != DataType::kRealtimeQuotes;
}

bool dataset_uses_symbols(DataType type) {
  return type != DataType::kTradeCalendar && type != DataType::kSymbols;
}

std::string IngestJobSpec::describe() const {
  std::string who;
  if (all_symbols && !dataset_uses_symbols(dataset.type)) {
    who = dataset.type == sources::DataType::kSymbols ? "(all)" : "(all exchanges)";
  } else if (all_symbols) {
    who = "all symbols";
  } else {
    for (size_t index = 0; index < symbols.size() && index < 5; ++index) {
      who += (index == 0 ? "" : ",") + symbols[index].to_string();
    }
    if (symbols.size() > 5) who += fmt::format(" (+{} more)", symbols.size() - 5);
  }
  const std::string dates = dataset_uses_dates(dataset.type)
                                ? fmt::format(" {}..{}", from.to_string(), to.to_string())
                                : std::string();
  return fmt::format("{} {}{} from {} ({}{})", dataset.to_string(), who, dates,
                     source.empty() ? "the configured sources" : source,
                     save_strategy_name(strategy), replace ? ", replace" : "");
}

Result<IngestJobSpec> parse_job_spec(const JobSpecFields& fields, const JobSpecRules& rules) {
  return build(fields,
               fields.symbols.empty() ? std::vector<std::string>{} : split_commas(fields.symbols),
               rules);
}

Result<IngestJobSpec> parse_job_spec(const boost::json::value& body, const JobSpecRules& rules) {
  const boost::json::object* object = body.if_object();
  if (object == nullptr) {
    return field_error(ErrorCode::kInvalidArgument, "body",
                       "the job must be a JSON object with dataset, symbols or all, from and to");
  }
  JobSpecFields fields;
  std::vector<std::string> symbols;
  for (const auto& member : *object) {
    const std::string_view key = member.key();
    const boost::json::value& value = member.value();
    if (std::find(std::begin(kMembers), std::end(kMembers), key) == std::end(kMembers)) {
      return field_error(ErrorCode::kInvalidArgument, std::string(key),
                         "unknown member '{}': expected source, dataset, symbols, all, from, to, "
                         "strategy, chunk_symbols, chunk_days or replace",
                         key);
    }
    if (key == "all" || key == "replace") {
      if (!value.is_bool()) return wrong_type(key, "true or false");
      (key == "all" ? fields.all_symbols : fields.replace) = value.get_bool();
    } else if (key == "chunk_symbols" || key == "chunk_days") {
      if (!value.is_int64()) return wrong_type(key, "an integer");
      (key == "chunk_symbols" ? fields.chunk_symbols : fields.chunk_days) = value.get_int64();
    } else if (key == "symbols" && value.is_array()) {
      for (size_t index = 0; index < value.get_array().size(); ++index) {
        const boost::json::value& item = value.get_array()[index];
        if (!item.is_string()) return wrong_type(fmt::format("symbols[{}]", index), "a string");
        symbols.emplace_back(item.get_string());
      }
    } else if (!value.is_string()) {
      return wrong_type(
          key, key == "symbols" ? "an array of strings or a comma-separated string" : "a string");
    } else {
      const std::string text(value.get_string());
      if (key == "source")
        fields.source = text;
      else if (key == "dataset")
        fields.dataset = text;
      else if (key == "symbols")
        symbols = split_commas(text);
      else if (key == "from")
        fields.from = text;
      else if (key == "to")
        fields.to = text;
      else
        fields.strategy = text;
    }
  }
  return build(fields, std::move(symbols), rules);
}

int64_t job_symbol_days(const IngestJobSpec& spec, int64_t all_symbol_count) {
  const int64_t symbols =
      spec.all_symbols ? all_symbol_count : std::max<int64_t>(1, static_cast<int64_t>(spec.symbols.size()));
  const int64_t days = dataset_uses_dates(spec.dataset.type)
                           ? std::max<int64_t>(1, int64_t{spec.to.days} - spec.from.days + 1)
                           : 1;
  return symbols * days;
}

int64_t job_limit_for(const std::vector<std::string>& roles,
                      const std::map<std::string, double, std::less<>>& limits) {
  if (limits.empty()) return 0;
  int64_t smallest = 0;
  for (const auto& [role, limit] : limits) {
    const auto value = static_cast<int64_t>(limit);
    if (value > 0 && (smallest == 0 || value < smallest)) smallest = value;
  }
  int64_t best = -1;
  for (const std::string& role : roles) {
    auto found = limits.find(role);
    if (found == limits.end()) continue;
    const auto value = static_cast<int64_t>(found->second);
    if (value == 0) return 0;
    best = std::max(best, value);
  }
  return best >= 0 ? best : smallest;
}

}  // namespace mystocks::services
