#include "gateway/request_id.h"

#include <algorithm>
#include <cctype>
#include <random>

namespace mystocks::gateway {

bool is_well_formed_request_id(std::string_view candidate) {
  return !candidate.empty() && candidate.size() <= 64 &&
         std::all_of(candidate.begin(), candidate.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
         });
}

std::string generate_request_id() {
  // Not a security token: uniqueness is all we need, so a per-thread PRNG seeded once is enough.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  const uint64_t high = generator();
  const uint64_t low = generator();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(36, '-');
  int bit = 0;
  for (size_t pos = 0; pos < id.size(); ++pos) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) continue;
    const uint64_t word = bit < 64 ? high : low;
    id[pos] = kHex[(word >> (bit % 64)) & 0xF];
    bit += 4;
  }
  id[14] = '4';                                   // version 4
  id[19] = kHex[8 | ((low >> 60) & 0x3)];         // variant 10xx
  return id;
}

std::string choose_request_id(std::string_view header_value) {
  if (is_well_formed_request_id(header_value)) return std::string(header_value);
  return generate_request_id();
}

}  // namespace mystocks::gateway
