// HMAC-SHA256 and SHA-256 through OpenSSL, and constant-time comparison, shared by JWT (HS256)
// and API-key request signing so neither hand-writes or re-wraps the primitives.
// Thread-safe: pure functions (OpenSSL 3 one-shot digests need no shared state).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace mystocks::gateway {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest hmac_sha256(std::string_view key, std::string_view message);
Sha256Digest sha256(std::string_view message);

// Lowercase hexadecimal of the bytes (64 characters for a digest).
std::string to_hex(const Sha256Digest& digest);

// Compares in time independent of where the inputs differ (CRYPTO_memcmp), so an attacker cannot
// learn a valid signature byte by byte from response times. Sizes are not secret.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace mystocks::gateway
