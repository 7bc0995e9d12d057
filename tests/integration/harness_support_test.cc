// The harness's building blocks on their own: commands with output, exit status and timeouts,
// long-running children stopped by SIGTERM or SIGKILL, temporary directories and free ports.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "support/assert_status.h"
#include "support/child_process.h"
#include "support/deadline.h"
#include "support/free_port.h"
#include "support/temp_dir.h"

namespace mystocks::test {
namespace {

using std::chrono::milliseconds;

TEST(RunCommandTest, CapturesOutputAndExitStatus) {
  Result<CommandOutput> ran =
      run_command({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}}, milliseconds(5000));
  MYSTOCKS_ASSERT_OK(ran.status());
  EXPECT_EQ(ran->exit_code, 3);
  EXPECT_EQ(ran->output, "out\nerr\n");
}

TEST(RunCommandTest, RunsInTheGivenWorkingDirectory) {
  Result<TempDir> dir = TempDir::create("mystocks-cwd-");
  MYSTOCKS_ASSERT_OK(dir.status());
  Result<CommandOutput> ran =
      run_command({.argv = {"pwd"}, .working_dir = dir->path()}, milliseconds(5000));
  MYSTOCKS_ASSERT_OK(ran.status());
  EXPECT_EQ(ran->output, dir->path().string() + "\n");
}

TEST(RunCommandTest, KillsTheProcessGroupAtTheTimeout) {
  const auto started = std::chrono::steady_clock::now();
  Result<CommandOutput> ran =
      run_command({.argv = {"sh", "-c", "echo begun; sleep 30; echo never"}}, milliseconds(300));
  ASSERT_FALSE(ran.is_ok());
  EXPECT_EQ(ran.status().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_NE(ran.status().message().find("begun"), std::string::npos) << ran.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(RunCommandTest, ReportsAMissingProgram) {
  Result<CommandOutput> ran = run_command({.argv = {"mystocks-no-such-tool"}}, milliseconds(5000));
  ASSERT_FALSE(ran.is_ok());
  EXPECT_EQ(ran.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(ran.status().message().find("mystocks-no-such-tool"), std::string::npos);
}

TEST(ChildProcessTest, TerminateStopsAWellBehavedChild) {
  Result<ChildProcess> child = ChildProcess::spawn({.argv = {"sleep", "30"}}, "/dev/null");
  MYSTOCKS_ASSERT_OK(child.status());
  const pid_t pid = child->pid();
  EXPECT_TRUE(child->is_running());
  EXPECT_EQ(child->terminate(milliseconds(5000)), 128 + SIGTERM);
  EXPECT_FALSE(process_alive(pid));
}

TEST(ChildProcessTest, TerminateKillsAChildThatIgnoresSigterm) {
  Result<TempDir> dir = TempDir::create("mystocks-child-");
  MYSTOCKS_ASSERT_OK(dir.status());
  const std::filesystem::path log = dir->path() / "out.log";
  // exec keeps the ignored SIGTERM disposition; "ready" says the trap is in place.
  Result<ChildProcess> child =
      ChildProcess::spawn({.argv = {"sh", "-c", "trap '' TERM; echo ready; exec sleep 30"}}, log);
  MYSTOCKS_ASSERT_OK(child.status());
  ASSERT_TRUE(poll_until(milliseconds(5000), [&] { return tail_of_file(log, 1) == "ready\n"; }));
  EXPECT_EQ(child->terminate(milliseconds(200)), 128 + SIGKILL);
  EXPECT_FALSE(process_alive(child->pid()));
}

TEST(ChildProcessTest, DestructorReapsARunningChild) {
  pid_t pid = -1;
  {
    Result<ChildProcess> child = ChildProcess::spawn({.argv = {"sleep", "30"}}, "/dev/null");
    MYSTOCKS_ASSERT_OK(child.status());
    pid = child->pid();
  }
  EXPECT_FALSE(process_alive(pid));
}

TEST(TempDirTest, IsRemovedWithItsContents) {
  std::filesystem::path path;
  {
    Result<TempDir> dir = TempDir::create("mystocks-tmp-");
    MYSTOCKS_ASSERT_OK(dir.status());
    path = dir->path();
    std::filesystem::create_directories(path / "a/b");
    std::ofstream(path / "a/b/file") << "x";
    EXPECT_TRUE(std::filesystem::equivalent(path.parent_path(), temp_root()));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempDirTest, CanBeHandedToAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  Result<TempDir> dir = TempDir::create("mystocks-owned-", "postgres");
  MYSTOCKS_ASSERT_OK(dir.status());
  struct stat info {};
  ASSERT_EQ(::stat(dir->path().c_str(), &info), 0);
  EXPECT_NE(info.st_uid, 0u);
  Result<TempDir> missing = TempDir::create("mystocks-owned-", "mystocks-no-such-user");
  EXPECT_EQ(missing.status().code(), ErrorCode::kFailedPrecondition);
}

TEST(FreePortTest, ReturnsAPortThatCanBeBound) {
  Result<int> port = pick_free_port();
  MYSTOCKS_ASSERT_OK(port.status());
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(*port));
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ::close(fd);
}

}  // namespace
}  // namespace mystocks::test
