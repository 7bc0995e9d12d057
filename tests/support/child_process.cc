#include "support/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>
#include <utility>

#include "support/deadline.h"

extern char** environ;

namespace mystocks::test {
namespace {

// Bound on what run_command keeps of a tool's output: tools the harness runs print a few lines,
// and a runaway one must not exhaust the test's memory.
constexpr std::size_t kMaxCapturedOutput = 1 << 20;
// How long run_command blocks in poll() before re-checking whether the process has exited; a
// daemonising tool (pg_ctl) may exit while a grandchild still holds the pipe open.
constexpr std::chrono::milliseconds kOutputPollSlice{50};

// Frees posix_spawn's attribute and file-action objects however spawn_process returns.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Where the child's stdout and stderr go: an open descriptor (a pipe) or a file to append to.
struct OutputTarget {
  int fd = -1;
  std::filesystem::path file;
};

Result<pid_t> spawn_process(const Command& command, const OutputTarget& output) {
  if (command.argv.empty()) {
    return error(ErrorCode::kInvalidArgument, "cannot spawn an empty command line");
  }
  SpawnSetup setup;
  posix_spawn_file_actions_t* actions = &setup.actions;
  int rc = 0;
  if (!command.working_dir.empty()) {
    rc = rc != 0 ? rc : posix_spawn_file_actions_addchdir_np(actions, command.working_dir.c_str());
  }
  rc = rc != 0 ? rc : posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0);
  if (output.fd >= 0) {
    rc = rc != 0 ? rc : posix_spawn_file_actions_adddup2(actions, output.fd, 1);
  } else {
    const char* file = output.file.empty() ? "/dev/null" : output.file.c_str();
    rc = rc != 0 ? rc
                 : posix_spawn_file_actions_addopen(actions, 1, file, O_WRONLY | O_CREAT | O_APPEND,
                                                    0644);
  }
  rc = rc != 0 ? rc : posix_spawn_file_actions_adddup2(actions, 1, 2);
  // A server must not inherit the test's sockets or pipes: a postmaster holding run_command's
  // pipe would keep the harness waiting for EOF until the server stops.
  rc = rc != 0 ? rc : posix_spawn_file_actions_addclosefrom_np(actions, 3);

  // Own process group, so a timeout can kill the command together with anything it started;
  // signals the test runner blocks or ignores are restored for the child.
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, signal_number);
  }
  rc = rc != 0 ? rc
               : posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETPGROUP |
                                                                 POSIX_SPAWN_SETSIGMASK |
                                                                 POSIX_SPAWN_SETSIGDEF);
  rc = rc != 0 ? rc : posix_spawnattr_setpgroup(&setup.attributes, 0);
  rc = rc != 0 ? rc : posix_spawnattr_setsigmask(&setup.attributes, &empty_mask);
  rc = rc != 0 ? rc : posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  if (rc != 0) {
    return error(ErrorCode::kInternal, "preparing to spawn {} failed: {}", describe(command),
                 std::strerror(rc));
  }

  std::vector<char*> argv;
  argv.reserve(command.argv.size() + 1);
  for (const std::string& arg : command.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  rc = posix_spawnp(&pid, argv[0], actions, &setup.attributes, argv.data(), environ);
  if (rc != 0) {
    return error(ErrorCode::kUnavailable, "cannot run {}: {}", describe(command),
                 std::strerror(rc));
  }
  return pid;
}

// Appends what can be read now without blocking; true once the writer side is closed (EOF).
bool drain(int fd, std::string& output) {
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      const std::size_t room = kMaxCapturedOutput - std::min(kMaxCapturedOutput, output.size());
      output.append(buffer, std::min(room, static_cast<std::size_t>(n)));
      continue;
    }
    if (n == 0) return true;
    if (errno == EINTR) continue;
    return errno != EAGAIN && errno != EWOULDBLOCK;  // a read error ends the capture too
  }
}

// Returns true and sets *exit_code once `pid` has exited (or was already reaped by someone else).
bool try_reap(pid_t pid, int* exit_code) {
  int wait_status = 0;
  pid_t reaped = ::waitpid(pid, &wait_status, WNOHANG);
  while (reaped < 0 && errno == EINTR) reaped = ::waitpid(pid, &wait_status, WNOHANG);
  if (reaped == pid) {
    *exit_code = decode_wait_status(wait_status);
    return true;
  }
  if (reaped < 0) {  // ECHILD: not our child any more, nothing left to wait for
    *exit_code = -1;
    return true;
  }
  return false;
}

void kill_and_reap(pid_t pid, int* exit_code) {
  ::kill(-pid, SIGKILL);  // the group: anything the child started goes too
  ::kill(pid, SIGKILL);   // in case the child moved itself to another group
  int wait_status = 0;
  pid_t reaped = ::waitpid(pid, &wait_status, 0);
  while (reaped < 0 && errno == EINTR) reaped = ::waitpid(pid, &wait_status, 0);
  *exit_code = reaped == pid ? decode_wait_status(wait_status) : -1;
}

}  // namespace

std::string describe(const Command& command) {
  std::string text;
  for (const std::string& arg : command.argv) {
    if (!text.empty()) text += ' ';
    const bool plain = !arg.empty() && arg.find_first_of(" \t'\"\\$") == std::string::npos;
    text += plain ? arg : "'" + arg + "'";
  }
  return text;
}

int decode_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

Result<CommandOutput> run_command(const Command& command, std::chrono::milliseconds timeout) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return error(ErrorCode::kIoError, "pipe2 failed: {}", std::strerror(errno));
  }
  Result<pid_t> spawned = spawn_process(command, OutputTarget{.fd = pipe_fds[1]});
  ::close(pipe_fds[1]);
  const int read_fd = pipe_fds[0];
  if (!spawned.is_ok()) {
    ::close(read_fd);
    return spawned.status();
  }
  const pid_t pid = *spawned;
  ::fcntl(read_fd, F_SETFL, ::fcntl(read_fd, F_GETFL) | O_NONBLOCK);

  CommandOutput result;
  const Deadline deadline(timeout);
  bool eof = false;
  while (true) {
    if (!eof) {
      pollfd readable{.fd = read_fd, .events = POLLIN, .revents = 0};
      const auto slice = std::min(kOutputPollSlice, deadline.remaining());
      ::poll(&readable, 1, static_cast<int>(slice.count()));
      eof = drain(read_fd, result.output);
    }
    if (try_reap(pid, &result.exit_code)) {
      drain(read_fd, result.output);
      break;
    }
    if (deadline.expired()) {
      kill_and_reap(pid, &result.exit_code);
      drain(read_fd, result.output);
      ::close(read_fd);
      return error(ErrorCode::kDeadlineExceeded, "{} did not finish within {} ms; output:\n{}",
                   describe(command), timeout.count(), result.output);
    }
    // Output closed but the process still exiting: nothing to poll() on, so check again shortly.
    if (eof) std::this_thread::sleep_for(std::min(kPollInterval, deadline.remaining()));
  }
  ::close(read_fd);
  return result;
}

Result<ChildProcess> ChildProcess::spawn(const Command& command,
                                         const std::filesystem::path& output_file) {
  Result<pid_t> spawned = spawn_process(command, OutputTarget{.file = output_file});
  if (!spawned.is_ok()) return spawned.status();
  return ChildProcess(*spawned);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_code_(std::exchange(other.exit_code_, {})) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill();
    pid_ = std::exchange(other.pid_, -1);
    exit_code_ = std::exchange(other.exit_code_, {});
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill(); }

bool ChildProcess::is_running() {
  if (pid_ < 0 || exit_code_.has_value()) return false;
  int exit_code = -1;
  if (!try_reap(pid_, &exit_code)) return true;
  exit_code_ = exit_code;
  return false;
}

Result<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (!poll_until(timeout, [this] { return !is_running(); })) {
    return error(ErrorCode::kDeadlineExceeded, "process {} still running after {} ms", pid_,
                 timeout.count());
  }
  return exit_code_.value_or(-1);
}

int ChildProcess::terminate(std::chrono::milliseconds grace) {
  if (is_running()) {
    ::kill(pid_, SIGTERM);
    if (!wait(grace).is_ok()) kill();
  }
  return exit_code_.value_or(-1);
}

void ChildProcess::kill() {
  if (pid_ < 0 || exit_code_.has_value()) return;
  int exit_code = -1;
  kill_and_reap(pid_, &exit_code);
  exit_code_ = exit_code;
}

std::string tail_of_file(const std::filesystem::path& path, std::size_t max_lines) {
  std::ifstream file(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > max_lines) lines.pop_front();
  }
  std::string tail;
  for (const std::string& line : lines) tail += line + '\n';
  return tail;
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  // /proc/<pid>/stat is "pid (comm) state ...": comm may hold spaces and parentheses, so the
  // state is the first field after the last ')'.
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(stat_file, stat)) return ::kill(pid, 0) == 0 || errno == EPERM;
  const std::size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat.size()) return true;
  const char state = stat[close_paren + 2];
  return state != 'Z' && state != 'X';
}

}  // namespace mystocks::test
