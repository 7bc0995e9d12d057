#include "core/config.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/fuzz_findings.h"
#include "support/source_dir.h"

namespace mystocks {
namespace {

TEST(ConfigTest, ShippedFileLoadsWithDefaults) {
  Result<Config> config = load_config(test::source_path("config/mystocks.yaml"), "");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const Config defaults;
  EXPECT_EQ(config->server.listen, defaults.server.listen);
  EXPECT_EQ(config->server.body_limit_bytes, defaults.server.body_limit_bytes);
  EXPECT_EQ(config->logging.format, "json");
}

TEST(ConfigTest, ShippedPathsNameTheDefaultPlacesFromAnyWorkingDirectory) {
  // The shipped file's paths are relative to config/, the defaults to the repository root: both
  // name the same files, whatever the working directory.
  Result<Config> config = load_config(test::source_path("config/mystocks.yaml"), "");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const Config defaults;
  auto from_root = [](const std::string& relative) {
    return std::filesystem::path(test::source_path(relative)).lexically_normal().string();
  };
  EXPECT_EQ(config->storage.tables_file, from_root(defaults.storage.tables_file));
  EXPECT_EQ(config->storage.data_dir, from_root(defaults.storage.data_dir));
  EXPECT_EQ(config->server.swagger_ui_dir, from_root(defaults.server.swagger_ui_dir));
  EXPECT_EQ(config->server.dashboard_dir, from_root(defaults.server.dashboard_dir));
  EXPECT_EQ(config->sources.csv_dir, from_root(defaults.sources.csv_dir));
  EXPECT_EQ(config->security.policy_model, from_root(defaults.security.policy_model));
  EXPECT_EQ(config->security.policy_file, from_root(defaults.security.policy_file));
  EXPECT_TRUE(std::filesystem::exists(config->storage.tables_file));
}

TEST(ConfigTest, RelativePathsInAFileResolveAgainstItsDirectoryOthersStayAsWritten) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("mystocks-config-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "conf");
  const std::string file = (dir / "conf" / "my.yaml").string();
  std::ofstream(file) << "storage:\n  tables_file: \"../schema/tables.yaml\"\n"
                         "  data_dir: \"/var/lib/mystocks\"\nserver:\n  listen: \"a:1\"\n";
  Result<Config> config = load_config(file, "");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->storage.tables_file, (dir / "schema" / "tables.yaml").string());
  EXPECT_EQ(config->storage.data_dir, "/var/lib/mystocks");                  // absolute: unchanged
  EXPECT_EQ(config->server.listen, "a:1");                                   // not a path
  EXPECT_EQ(config->server.swagger_ui_dir, Config().server.swagger_ui_dir);  // default: as is
  // Text parsed without a file has no directory to resolve against.
  Result<Config> text = parse_config("storage:\n  tables_file: t.yaml\n", "inline");
  ASSERT_TRUE(text.is_ok());
  EXPECT_EQ(text->storage.tables_file, "t.yaml");
}

TEST(ConfigTest, UnknownKeyNamesFileLineAndKnownKeys) {
  Result<Config> config = parse_config("server:\n  listen: 127.0.0.1:1\n  prot: 8\n", "my.yaml");
  ASSERT_FALSE(config.is_ok());
  const std::string& message = config.status().message();
  EXPECT_NE(message.find("my.yaml:3"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key 'server.prot'"), std::string::npos) << message;
  EXPECT_NE(message.find("listen"), std::string::npos) << message;
  EXPECT_EQ(config.status().field(), "server.prot");
}

TEST(ConfigTest, UnknownSectionWrongTypeAndRange) {
  EXPECT_NE(parse_config("sever: {}\n", "f").status().message().find("unknown section 'sever'"),
            std::string::npos);
  Result<Config> wrong_type = parse_config("server:\n  threads: many\n", "f");
  ASSERT_FALSE(wrong_type.is_ok());
  EXPECT_NE(wrong_type.status().message().find("expected an integer"), std::string::npos);
  Result<Config> range = parse_config("server:\n  threads: 1000\n", "f");
  EXPECT_NE(range.status().message().find("expected 0..256"), std::string::npos);
  Result<Config> list = parse_config("server:\n  listen: [a, b]\n", "f");
  EXPECT_NE(list.status().message().find("single value"), std::string::npos);
  Result<Config> choice = parse_config("logging:\n  level: loud\n", "f");
  EXPECT_NE(choice.status().message().find("expected one of trace"), std::string::npos);
  Result<Config> flag = parse_config("server:\n  access_log: yes please\n", "f");
  EXPECT_NE(flag.status().message().find("expected true or false"), std::string::npos);
  Result<Config> syntax = parse_config("server: [\n", "f");
  EXPECT_NE(syntax.status().message().find("YAML syntax error"), std::string::npos);
}

TEST(ConfigTest, MissingFileIsAnError) {
  Result<Config> config = load_config("/nonexistent/mystocks.yaml", "");
  ASSERT_FALSE(config.is_ok());
  EXPECT_NE(config.status().message().find("/nonexistent/mystocks.yaml: configuration file not found"),
            std::string::npos);
}

TEST(ConfigTest, EnvironmentOverridesAndRejectsTypos) {
  Config config;
  ASSERT_TRUE(apply_environment(config, {{"MYSTOCKS_SERVER_THREADS", "3"},
                                         {"MYSTOCKS_SERVER_BODY_LIMIT_BYTES", "2048"},
                                         {"MYSTOCKS_UNRELATED", "x"}},
                                "environment")
                  .is_ok());
  EXPECT_EQ(config.server.threads, 3);
  EXPECT_EQ(config.server.body_limit_bytes, 2048);
  Status typo = apply_environment(config, {{"MYSTOCKS_SERVER_THRAEDS", "3"}}, "environment");
  ASSERT_FALSE(typo.is_ok());
  EXPECT_NE(typo.message().find("MYSTOCKS_SERVER_THRAEDS"), std::string::npos);
  Status bad = apply_environment(config, {{"MYSTOCKS_SERVER_THREADS", "x"}}, "environment");
  EXPECT_NE(bad.message().find("environment MYSTOCKS_SERVER_THREADS"), std::string::npos);
}

TEST(ConfigTest, DotenvParsesAndRealEnvironmentWins) {
  Result<std::map<std::string, std::string>> parsed =
      parse_dotenv("# comment\nexport A=1\nB = \"two words\"\n\nC='x'\n", ".env");
  ASSERT_TRUE(parsed.is_ok());
  EXPECT_EQ(parsed->at("A"), "1");
  EXPECT_EQ(parsed->at("B"), "two words");
  EXPECT_EQ(parsed->at("C"), "x");
  Result<std::map<std::string, std::string>> bad = parse_dotenv("A=1\nnot a pair\n", ".env");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find(".env:2"), std::string::npos);

  const std::string dir = ::testing::TempDir();
  const std::string yaml = dir + "/cfg.yaml";
  const std::string dotenv = dir + "/cfg.env";
  std::ofstream(yaml) << "server:\n  threads: 1\n";
  std::ofstream(dotenv) << "MYSTOCKS_SERVER_THREADS=2\nMYSTOCKS_LOGGING_LEVEL=debug\n";
  ::setenv("MYSTOCKS_LOGGING_LEVEL", "warn", 1);
  Result<Config> config = load_config(yaml, dotenv, {.listen = "127.0.0.1:0", .data_dir = "/tmp/d"});
  ::unsetenv("MYSTOCKS_LOGGING_LEVEL");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->server.threads, 2);       // .env beats the file
  EXPECT_EQ(config->logging.level, "warn");   // the environment beats .env
  EXPECT_EQ(config->server.listen, "127.0.0.1:0");  // flags beat everything
  EXPECT_EQ(config->storage.data_dir, "/tmp/d");
  std::remove(yaml.c_str());
  std::remove(dotenv.c_str());
}

TEST(ConfigTest, ValidatesListenAddress) {
  Config config;
  config.server.listen = "localhost";
  Status status = validate_config(config);
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.field(), "server.listen");
  config.server.listen = "[::1]:8080";
  EXPECT_TRUE(validate_config(config).is_ok());
}

TEST(ConfigTest, ValidatesIngestScheduleAndStrategy) {
  Config config;
  for (const char* good : {"", "daily@15:30", "daily@00:00", "daily@23:59"}) {
    config.ingest.schedule = good;
    EXPECT_TRUE(validate_config(config).is_ok()) << good;
  }
  for (const char* bad : {"daily@24:00", "daily@15:60", "daily 15:30", "15:30", "daily@5:30"}) {
    config.ingest.schedule = bad;
    Status status = validate_config(config);
    ASSERT_FALSE(status.is_ok()) << bad;
    EXPECT_EQ(status.field(), "ingest.schedule") << bad;
    EXPECT_NE(status.message().find("daily@HH:MM"), std::string::npos) << status.message();
  }
  Result<Config> parsed = parse_config("ingest:\n  strategy: fast\n", "x.yaml");
  ASSERT_FALSE(parsed.is_ok());
  EXPECT_NE(parsed.status().message().find("expected one of rollback, continue, retry"),
            std::string::npos)
      << parsed.status().message();
}

TEST(ConfigTest, EveryKeyIsDocumentedInTheShippedFile) {
  std::ifstream in(test::source_path("config/mystocks.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string& key : config_keys()) {
    const std::string name = key.substr(key.find('.') + 1, key.find(' ') - key.find('.') - 1);
    EXPECT_NE(text.find("  " + name + ":"), std::string::npos) << key << " missing from mystocks.yaml";
  }
}

// Inputs the fuzzer found ending the process with a yaml-cpp exception (a list used as a
// section or key name): each is now an INVALID_CONFIG error (tests/golden/fuzz/config_yaml).
TEST(ConfigTest, FuzzFindingsAreErrorsNotExceptions) {
  const auto findings = test::fuzz_findings("config_yaml");
  ASSERT_FALSE(findings.empty());
  for (const auto& [name, text] : findings) {
    Result<Config> config = parse_config(text, name);
    ASSERT_FALSE(config.is_ok()) << name;
    EXPECT_EQ(config.status().code(), ErrorCode::kInvalidConfig) << name;
    EXPECT_NE(config.status().message().find(name + ":"), std::string::npos)
        << config.status().message();
  }
}

}  // namespace
}  // namespace mystocks
