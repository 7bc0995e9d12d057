#include "core/logging.h"

#include <chrono>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mystocks::logging {
namespace {

thread_local std::string t_request_id;

// Formats a record as one JSON object. Runs on the logging thread, which for our synchronous
// sinks is the thread that logged, so the thread-local request id is the right one.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    const auto millis = duration_cast<milliseconds>(msg.time.time_since_epoch()).count();
    const time_t seconds = static_cast<time_t>(millis / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::string line;
    line.reserve(160 + msg.payload.size());
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis % 1000));
    line += R"({"ts":")";
    line += stamp;
    line += R"(","level":")";
    const auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += R"(","logger":")";
    append_json_escaped(line, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    line += R"(","request_id":")";
    append_json_escaped(line, t_request_id);
    line += R"(","thread":)";
    line += std::to_string(msg.thread_id);
    line += R"(,"msg":")";
    append_json_escaped(line, std::string_view(msg.payload.data(), msg.payload.size()));
    line += "\"}\n";
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// Text lines carry the request id too: a custom %* flag.
class RequestIdFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string_view id = t_request_id.empty() ? std::string_view("-") : t_request_id;
    dest.append(id.data(), id.data() + id.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};

}  // namespace

Status init(const LoggingConfig& config) {
  spdlog::sink_ptr sink;
  try {
    if (config.file.empty()) {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.file);
    }
  } catch (const spdlog::spdlog_ex& e) {
    return field_error(ErrorCode::kInvalidConfig, "logging.file",
                       "logging.file '{}' cannot be opened: {}", config.file, e.what());
  }
  if (config.format == "json") {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<RequestIdFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%*] %v");
    sink->set_formatter(std::move(formatter));
  }
  auto logger = std::make_shared<spdlog::logger>("mystocks", sink);
  logger->set_level(spdlog::level::from_str(config.level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return Status::ok();
}

std::string_view current_request_id() { return t_request_id; }

RequestIdScope::RequestIdScope(std::string_view request_id) : previous_(std::move(t_request_id)) {
  t_request_id.assign(request_id);
}

RequestIdScope::~RequestIdScope() { t_request_id = std::move(previous_); }

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
}

}  // namespace mystocks::logging
