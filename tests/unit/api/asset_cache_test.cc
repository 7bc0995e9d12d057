// AssetCache: files are confined to one directory, read once and kept; errors name the field,
// the name and the directory.
#include "api/asset_cache.h"

#include <fstream>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace mystocks::api {
namespace {

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

TEST(AssetCacheTest, ReadsOnceAndKeepsTheBytes) {
  Result<test::TempDir> dir = test::TempDir::create("asset-cache");
  ASSERT_TRUE(dir.is_ok()) << dir.status().to_string();
  write(dir->path() / "app-1.js", "first");
  AssetCache cache(dir->path().string(), "dashboard asset");
  Result<std::shared_ptr<const std::string>> first = cache.get("app-1.js");
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(**first, "first");
  write(dir->path() / "app-1.js", "changed on disk");
  Result<std::shared_ptr<const std::string>> second = cache.get("app-1.js");
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(**second, "first");  // kept: hashed names never change their bytes
  EXPECT_EQ(first->get(), second->get());
}

TEST(AssetCacheTest, MissingFileIsNotFoundNamingTheDirectory) {
  Result<test::TempDir> dir = test::TempDir::create("asset-cache");
  ASSERT_TRUE(dir.is_ok());
  AssetCache cache(dir->path().string(), "dashboard file");
  Result<std::shared_ptr<const std::string>> missing = cache.get("index.html");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no dashboard file 'index.html' in '" + dir->path().string()),
            std::string::npos)
      << missing.status().message();
}

TEST(AssetCacheTest, NamesThatCouldLeaveTheDirectoryAreRefused) {
  Result<test::TempDir> dir = test::TempDir::create("asset-cache");
  ASSERT_TRUE(dir.is_ok());
  write(dir->path() / "secret", "outside");
  std::filesystem::create_directory(dir->path() / "assets");
  AssetCache cache((dir->path() / "assets").string(), "dashboard asset");
  for (const std::string name : {"../secret", "..", ".hidden", "", "a/b.js", "a\\b.js", "/etc/passwd"}) {
    Result<std::shared_ptr<const std::string>> refused = cache.get(name);
    ASSERT_FALSE(refused.is_ok()) << name;
    EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument) << name;
    EXPECT_NE(refused.status().message().find("'" + name + "' is not allowed"), std::string::npos)
        << refused.status().message();
  }
}

TEST(AssetCacheTest, ContentTypesOfTheBundle) {
  EXPECT_EQ(content_type_for("app-X.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("app-X.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("data.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace mystocks::api
