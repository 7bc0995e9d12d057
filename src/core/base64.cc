#include "core/base64.h"

#include <sodium.h>

namespace mystocks {
namespace {

int sodium_variant(Base64Variant variant) {
  switch (variant) {
    case Base64Variant::kStandard:
      return sodium_base64_VARIANT_ORIGINAL;
    case Base64Variant::kUrlSafeNoPadding:
      return sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  }
  return sodium_base64_VARIANT_ORIGINAL;
}

}  // namespace

std::string base64_encode(std::string_view bytes, Base64Variant variant) {
  const int sodium = sodium_variant(variant);
  // sodium_base64_ENCODED_LEN counts the terminating NUL that sodium_bin2base64 writes.
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), sodium), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium);
  text.pop_back();
  return text;
}

std::optional<std::string> base64_decode(std::string_view text, Base64Variant variant) {
  std::string bytes(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  // A null `b64_end` makes libsodium fail unless the whole input was consumed.
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), /*ignore=*/nullptr, &length, /*b64_end=*/nullptr,
                        sodium_variant(variant)) != 0) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

}  // namespace mystocks
