// ByteWriter / ByteReader: the little-endian and LEB128-varint encoding every tsdb format uses
// (WAL records, column codecs, segment index, MANIFEST). ByteReader checks every read against the
// end of its input and reports a short or malformed input by returning false, never by reading
// out of range, so decoders of corrupt files fail cleanly. Value types, one owner each.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace mystocks::tsdb {

inline uint64_t zigzag_encode(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
inline int64_t zigzag_decode(uint64_t value) {
  return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
}

inline constexpr size_t kMaxVarintBytes = 10;

// Writes `value` at `out` (room for kMaxVarintBytes) and returns the end.
inline char* put_varint_raw(char* out, uint64_t value) {
  while (value >= 0x80) {
    *out++ = static_cast<char>(value | 0x80);
    value >>= 7;
  }
  *out++ = static_cast<char>(value);
  return out;
}

inline size_t varint_length(uint64_t value) {
  return static_cast<size_t>((64 - __builtin_clzll(value | 1) + 6) / 7);
}

// Appends at most `max_bytes` that `fill(char* begin) -> char* end` writes, without the zero-fill
// std::string::resize would do first (a measurable cost on the write path).
template <typename Fill>
void append_unfilled(std::string& out, size_t max_bytes, Fill&& fill) {
  thread_local std::unique_ptr<char[]> scratch;
  thread_local size_t capacity = 0;
  if (capacity < max_bytes) {
    scratch.reset(new char[max_bytes]);
    capacity = max_bytes;
  }
  char* end = fill(scratch.get());
  out.append(scratch.get(), static_cast<size_t>(end - scratch.get()));
}

// Appends to a caller-owned string.
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void put_u8(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void put_u16(uint16_t value) { put_fixed(value); }
  void put_u32(uint32_t value) { put_fixed(value); }
  void put_u64(uint64_t value) { put_fixed(value); }
  void put_varint(uint64_t value) {
    char buffer[kMaxVarintBytes];
    out_.append(buffer, put_varint_raw(buffer, value) - buffer);
  }
  void put_signed(int64_t value) { put_varint(zigzag_encode(value)); }
  void put_bytes(std::string_view bytes) { out_.append(bytes); }
  // Length-prefixed bytes.
  void put_string(std::string_view bytes) {
    put_varint(bytes.size());
    out_.append(bytes);
  }
  size_t size() const { return out_.size(); }
  std::string& buffer() { return out_; }

 private:
  template <typename T>
  void put_fixed(T value) {
    char buffer[sizeof(T)];
    std::memcpy(buffer, &value, sizeof(T));  // little-endian hosts only (x86-64, aarch64)
    out_.append(buffer, sizeof(T));
  }
  std::string& out_;
};

// Reads from a view; every getter returns false (and leaves the output unspecified) when the
// input is too short or a varint runs past 10 bytes.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : data_(in.data()), end_(in.data() + in.size()) {}

  bool get_u8(uint8_t& value) { return get_fixed(value); }
  bool get_u16(uint16_t& value) { return get_fixed(value); }
  bool get_u32(uint32_t& value) { return get_fixed(value); }
  bool get_u64(uint64_t& value) { return get_fixed(value); }
  bool get_varint(uint64_t& value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 70 && data_ < end_; shift += 7) {
      const auto byte = static_cast<uint8_t>(*data_++);
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (byte < 0x80) {
        value = result;
        return true;
      }
    }
    return false;
  }
  bool get_signed(int64_t& value) {
    uint64_t raw = 0;
    if (!get_varint(raw)) return false;
    value = zigzag_decode(raw);
    return true;
  }
  // A varint that must fit `limit` (counts and lengths from untrusted input).
  bool get_count(uint64_t& value, uint64_t limit) { return get_varint(value) && value <= limit; }
  bool get_bytes(size_t size, std::string_view& bytes) {
    if (remaining() < size) return false;
    bytes = std::string_view(data_, size);
    data_ += size;
    return true;
  }
  bool get_string(std::string_view& bytes) {
    uint64_t size = 0;
    return get_varint(size) && get_bytes(size, bytes);
  }
  bool get_string(std::string& bytes) {
    std::string_view view;
    if (!get_string(view)) return false;
    bytes.assign(view);
    return true;
  }
  size_t remaining() const { return static_cast<size_t>(end_ - data_); }
  bool at_end() const { return data_ == end_; }
  const char* position() const { return data_; }
  std::string_view rest() const { return {data_, remaining()}; }

 private:
  template <typename T>
  bool get_fixed(T& value) {
    if (remaining() < sizeof(T)) return false;
    std::memcpy(&value, data_, sizeof(T));
    data_ += sizeof(T);
    return true;
  }
  const char* data_;
  const char* end_;
};

}  // namespace mystocks::tsdb
