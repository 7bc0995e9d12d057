// Deterministic random numbers for the market simulator. Every stream is derived from the seed
// and the keys of what it generates (security, trading day, minute), never from the order of
// requests, so a day's data is identical whether it is asked for alone, within a range or live.
// SplitMix64 derives stream seeds; xoshiro256** generates. Value types: one owner each.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

namespace mystocks::sources {

// SplitMix64 finaliser: a bijective avalanche of 64 bits.
constexpr uint64_t mix64(uint64_t value) {
  value += 0x9E3779B97F4A7C15ULL;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

// The seed of the stream identified by `keys` under `seed`.
constexpr uint64_t stream_key(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0,
                              uint64_t d = 0) {
  uint64_t key = mix64(seed ^ 0x6A09E667F3BCC908ULL);
  key = mix64(key ^ a);
  key = mix64(key ^ (b + 0x3C6EF372FE94F82BULL));
  key = mix64(key ^ (c + 0xA54FF53A5F1D36F1ULL));
  return mix64(key ^ (d + 0x510E527FADE682D1ULL));
}

// Stream purposes, so two streams with the same numeric keys never coincide.
enum class Stream : uint64_t {
  kUniverse = 1,
  kMarket = 2,
  kDaily = 3,
  kMinutes = 4,
  kTicks = 5,
  kIntradayMarket = 6,
  kFundamentals = 7,
  kFundFlow = 8,
  kAuction = 9,
};

class Rng {
 public:
  explicit Rng(uint64_t key) {
    uint64_t state = key;
    for (uint64_t& word : state_) {
      state = mix64(state);
      word = state;
    }
  }
  Rng(uint64_t seed, Stream stream, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0)
      : Rng(stream_key(seed, static_cast<uint64_t>(stream), a, b, c)) {}

  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [low, high]. REQUIRES: low <= high.
  int64_t uniform_int(int64_t low, int64_t high) {
    const uint64_t span = static_cast<uint64_t>(high - low) + 1;
    return low + static_cast<int64_t>(span == 0 ? next() : next() % span);
  }

  bool bernoulli(double probability) { return uniform() < probability; }

  // Standard normal (Box-Muller; the second value of each pair is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  static constexpr uint64_t rotl(uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
  }

  uint64_t state_[4] = {};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace mystocks::sources
