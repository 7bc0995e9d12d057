#include "gateway/content_negotiation.h"

#include <cctype>
#include <charconv>

namespace mystocks::gateway {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t index = 0; index < a.size(); ++index) {
    if (std::tolower(static_cast<unsigned char>(a[index])) !=
        std::tolower(static_cast<unsigned char>(b[index]))) {
      return false;
    }
  }
  return true;
}

// Quality of a "q=0.5" parameter in thousandths; 1000 when absent or malformed.
int quality_of(std::string_view params) {
  while (!params.empty()) {
    const size_t semicolon = params.find(';');
    std::string_view param = trim(params.substr(0, semicolon));
    params =
        semicolon == std::string_view::npos ? std::string_view() : params.substr(semicolon + 1);
    if (param.size() < 2 || std::tolower(static_cast<unsigned char>(param[0])) != 'q' ||
        param[1] != '=') {
      continue;
    }
    double q = 1;
    const std::string_view number = param.substr(2);
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), q);
    if (ec != std::errc() || q < 0 || q > 1) return 1000;
    return static_cast<int>(q * 1000 + 0.5);
  }
  return 1000;
}

}  // namespace

size_t negotiate_media_type(std::string_view accept,
                            std::initializer_list<std::string_view> offered) {
  size_t best = 0;
  int best_quality = 0;
  size_t index = 0;
  for (std::string_view type : offered) {
    const std::string_view main_type = type.substr(0, type.find('/'));
    int quality = -1;
    int specificity = -1;  // 2 exact, 1 type/*, 0 */*
    std::string_view rest = accept;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view range = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const size_t semicolon = range.find(';');
      const std::string_view media = trim(range.substr(0, semicolon));
      const int range_quality =
          semicolon == std::string_view::npos ? 1000 : quality_of(range.substr(semicolon + 1));
      int range_specificity = -1;
      if (iequals(media, type)) {
        range_specificity = 2;
      } else if (media.size() == main_type.size() + 2 && media.ends_with("/*") &&
                 iequals(media.substr(0, main_type.size()), main_type)) {
        range_specificity = 1;
      } else if (media == "*/*") {
        range_specificity = 0;
      }
      if (range_specificity > specificity) {
        specificity = range_specificity;
        quality = range_quality;
      }
    }
    if (quality > best_quality) {
      best_quality = quality;
      best = index;
    }
    ++index;
  }
  return best;
}

}  // namespace mystocks::gateway
