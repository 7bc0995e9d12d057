#include "storage/tsdb/codec_string.h"

#include <string_view>
#include <unordered_map>

#include "storage/tsdb/codec_int.h"

namespace mystocks::tsdb {
namespace {

// Above this many distinct values per value, ids cost more than they save.
constexpr size_t kMaxDictionaryShareDivisor = 2;
// Strings longer than this are not worth hashing into a dictionary (documents, JSON).
constexpr size_t kMaxDictionaryValueBytes = 256;

Status malformed(std::string_view what) {
  return error(ErrorCode::kDataLoss, "string block is malformed: {}", what);
}

}  // namespace

void encode_strings(std::span<const std::string> values, std::string& out) {
  ByteWriter writer(out);
  if (values.empty()) {
    writer.put_u8(static_cast<uint8_t>(StringCodec::kEmpty));
    return;
  }
  std::unordered_map<std::string_view, int64_t> ids;
  std::vector<std::string_view> dictionary;
  std::vector<int64_t> value_ids;
  value_ids.reserve(values.size());
  bool use_dictionary = true;
  for (const std::string& value : values) {
    if (value.size() > kMaxDictionaryValueBytes) {
      use_dictionary = false;
      break;
    }
    auto [it, inserted] = ids.emplace(value, static_cast<int64_t>(dictionary.size()));
    if (inserted) dictionary.push_back(value);
    value_ids.push_back(it->second);
    if (dictionary.size() > values.size() / kMaxDictionaryShareDivisor + 1) {
      use_dictionary = false;
      break;
    }
  }
  if (!use_dictionary) {
    writer.put_u8(static_cast<uint8_t>(StringCodec::kPlain));
    writer.put_varint(values.size());
    for (const std::string& value : values) writer.put_string(value);
    return;
  }
  writer.put_u8(static_cast<uint8_t>(StringCodec::kDictionary));
  writer.put_varint(values.size());
  writer.put_varint(dictionary.size());
  for (std::string_view entry : dictionary) writer.put_string(entry);
  encode_ints(value_ids, false, out);
}

Status decode_strings(ByteReader& in, size_t count, std::vector<std::string>& out) {
  uint8_t codec = 0;
  if (!in.get_u8(codec)) return malformed("missing codec byte");
  if (codec == static_cast<uint8_t>(StringCodec::kEmpty)) {
    return count == 0 ? Status::ok() : malformed("empty block where values were expected");
  }
  uint64_t stored_count = 0;
  if (!in.get_varint(stored_count) || stored_count != count) {
    return error(ErrorCode::kDataLoss, "string block holds {} values where {} were expected",
                 stored_count, count);
  }
  out.reserve(out.size() + count);
  if (codec == static_cast<uint8_t>(StringCodec::kPlain)) {
    for (size_t index = 0; index < count; ++index) {
      std::string_view value;
      if (!in.get_string(value)) return malformed("truncated plain value");
      out.emplace_back(value);
    }
    return Status::ok();
  }
  if (codec != static_cast<uint8_t>(StringCodec::kDictionary)) {
    return error(ErrorCode::kDataLoss, "string block has unknown codec {}", codec);
  }
  uint64_t dictionary_size = 0;
  if (!in.get_count(dictionary_size, count)) return malformed("bad dictionary size");
  std::vector<std::string_view> dictionary(dictionary_size);
  for (std::string_view& entry : dictionary) {
    if (!in.get_string(entry)) return malformed("truncated dictionary");
  }
  std::vector<int64_t> ids(count);
  MYSTOCKS_RETURN_IF_ERROR(decode_ints(in, count, ids.data()));
  for (int64_t id : ids) {
    if (id < 0 || static_cast<uint64_t>(id) >= dictionary_size) {
      return malformed("dictionary id out of range");
    }
    out.emplace_back(dictionary[static_cast<size_t>(id)]);
  }
  return Status::ok();
}

StringCodec peek_string_codec(std::string_view encoded) {
  if (encoded.empty()) return StringCodec::kEmpty;
  return static_cast<StringCodec>(static_cast<uint8_t>(encoded[0]));
}

void encode_bitmap(std::span<const uint8_t> flags, std::string& out) {
  const size_t start = out.size();
  out.resize(start + (flags.size() + 7) / 8, '\0');
  char* bytes = out.data() + start;
  for (size_t index = 0; index < flags.size(); ++index) {
    if (flags[index] != 0) bytes[index / 8] = static_cast<char>(bytes[index / 8] | (1 << (index % 8)));
  }
}

Status decode_bitmap(ByteReader& in, size_t count, uint8_t* out) {
  std::string_view bytes;
  if (!in.get_bytes((count + 7) / 8, bytes)) {
    return error(ErrorCode::kDataLoss, "bitmap is truncated: {} bits expected", count);
  }
  for (size_t index = 0; index < count; ++index) {
    out[index] = (static_cast<uint8_t>(bytes[index / 8]) >> (index % 8)) & 1;
  }
  return Status::ok();
}

}  // namespace mystocks::tsdb
