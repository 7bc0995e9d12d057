#include "core/random_token.h"

#include <string_view>

#include <sodium.h>

#include "core/base64.h"
#include "core/sodium_init.h"

namespace mystocks {

std::string random_token(size_t bytes) {
  init_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string token = base64_encode(raw, Base64Variant::kUrlSafeNoPadding);
  sodium_memzero(raw.data(), raw.size());
  return token;
}

}  // namespace mystocks
