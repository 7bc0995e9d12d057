// BitWriter / BitReader: MSB-first bit packing for the Gorilla float codec. BitReader never reads
// past its input: a read beyond the end sets a sticky failure flag and yields zeros.
// Value types, one owner each.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mystocks::tsdb {

class BitWriter {
 public:
  explicit BitWriter(std::string& out) : out_(out) {}

  // Appends the low `count` (0..64) bits of `value`, most significant first.
  void put(uint64_t value, int count) {
    if (count == 0) return;
    if (count < 64) value &= (uint64_t{1} << count) - 1;
    const int free_bits = 64 - used_;
    if (count <= free_bits) {
      // count == 64 only when used_ == 0; a shift by 64 would be undefined.
      accumulator_ = count == 64 ? value : (accumulator_ << count) | value;
      used_ += count;
    } else {
      const int low = count - free_bits;
      accumulator_ = free_bits == 0 ? accumulator_ : (accumulator_ << free_bits) | (value >> low);
      used_ = 64;
      flush_word();
      accumulator_ = value & ((uint64_t{1} << low) - 1);
      used_ = low;
    }
    if (used_ == 64) flush_word();
  }
  void put_bit(bool bit) { put(bit ? 1 : 0, 1); }

  // Pads the last byte with zeros and writes it out.
  void finish() {
    while (used_ >= 8) {
      used_ -= 8;
      out_.push_back(static_cast<char>(accumulator_ >> used_));
    }
    if (used_ > 0) out_.push_back(static_cast<char>(accumulator_ << (8 - used_)));
    accumulator_ = 0;
    used_ = 0;
  }

 private:
  void flush_word() {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out_.push_back(static_cast<char>(accumulator_ >> shift));
    }
    accumulator_ = 0;
    used_ = 0;
  }

  std::string& out_;
  uint64_t accumulator_ = 0;
  int used_ = 0;  // bits held in accumulator_ (low bits)
};

class BitReader {
 public:
  explicit BitReader(std::string_view in) : in_(in) {}

  uint64_t get(int count) {
    uint64_t value = 0;
    while (count > 0) {
      if (available_ == 0) {
        if (position_ >= in_.size()) {
          failed_ = true;
          return 0;
        }
        current_ = static_cast<uint8_t>(in_[position_++]);
        available_ = 8;
      }
      const int take = count < available_ ? count : available_;
      const uint64_t bits = (current_ >> (available_ - take)) & ((1u << take) - 1);
      value = (value << take) | bits;
      available_ -= take;
      count -= take;
    }
    return value;
  }
  bool get_bit() { return get(1) != 0; }
  bool failed() const { return failed_; }
  // Whole bytes consumed so far (the partial last byte counts).
  size_t bytes_consumed() const { return position_; }

 private:
  std::string_view in_;
  size_t position_ = 0;
  uint32_t current_ = 0;
  int available_ = 0;
  bool failed_ = false;
};

}  // namespace mystocks::tsdb
