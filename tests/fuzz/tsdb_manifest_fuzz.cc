// Fuzz target: the tsdb MANIFEST decoder (storage/tsdb/manifest.h). The input is decoded twice:
// as a whole file (magic, version, length and checksum checks), and as the payload of a file
// whose header and checksum are made valid here — random bytes almost never carry a valid
// crc32c, so without the second form the fuzzer would never reach the schema and segment
// decoding behind it. A manifest that decodes must re-encode to one that decodes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/crc32c.h"
#include "storage/tsdb/manifest.h"

using namespace mystocks::tsdb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)decode_manifest(input, "fuzz/MANIFEST");

  std::string file(kManifestMagic);
  ByteWriter header(file);
  header.put_u32(kManifestVersion);
  header.put_u32(static_cast<uint32_t>(input.size()));
  header.put_u32(crc32c(input));
  file.append(input);
  auto manifest = decode_manifest(file, "fuzz/MANIFEST");
  if (!manifest.is_ok()) return 0;
  std::string again;
  encode_manifest(*manifest, again);
  if (!decode_manifest(again, "fuzz/MANIFEST.again").is_ok()) std::abort();
  return 0;
}
