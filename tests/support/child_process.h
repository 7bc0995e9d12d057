// Child processes for the test harness: run_command runs a tool to completion (capturing its
// output and exit status under a timeout), ChildProcess owns a long-running server process.
// Both spawn with posix_spawn: a new process group, stdin from /dev/null, no inherited file
// descriptors beyond stdio, default signal dispositions.
// Invariant: a ChildProcess that is destroyed has been reaped; no zombie or orphan is left.
// Thread-safety: not synchronised; each ChildProcess has one owner. run_command is safe to call
// from several threads at once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace mystocks::test {

struct Command {
  std::vector<std::string> argv;      // argv[0] is looked up in PATH unless it contains a '/'
  std::filesystem::path working_dir;  // default (empty): the caller's working directory
};

// "a b 'c d'" for error messages.
std::string describe(const Command& command);

// Exit status as a shell reports it: the exit code, or 128 + signal number if killed by one.
int decode_wait_status(int wait_status);

struct CommandOutput {
  int exit_code = -1;  // decode_wait_status of the finished process
  std::string output;  // stdout and stderr, interleaved as written
};

// Runs the command to completion. A non-zero exit is not an error here (the caller decides, and
// has the output to explain it); failing to start is kUnavailable, and running past the timeout
// kills the process group and returns kDeadlineExceeded with the output captured so far.
Result<CommandOutput> run_command(const Command& command, std::chrono::milliseconds timeout);

class ChildProcess {
 public:
  // Starts the command with stdout and stderr appended to output_file (created if missing).
  static Result<ChildProcess> spawn(const Command& command,
                                    const std::filesystem::path& output_file);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // kill() if still running

  pid_t pid() const { return pid_; }

  // Reaps the process if it has exited; true while it runs.
  bool is_running();
  // The decoded exit status once the process has been reaped.
  std::optional<int> exit_code() const { return exit_code_; }

  // Waits for the process to exit on its own; kDeadlineExceeded if it is still running.
  Result<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL to the whole process group if it outlives `grace`. Returns the exit
  // status; always leaves the process reaped.
  int terminate(std::chrono::milliseconds grace);
  // SIGKILL to the process group, then reap. A no-op once the process has been reaped.
  void kill();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  pid_t pid_ = -1;                // -1 when moved from
  std::optional<int> exit_code_;  // set once reaped
};

// The last max_lines lines of a file a process writes its log to; "" if it cannot be read.
std::string tail_of_file(const std::filesystem::path& path, std::size_t max_lines);

// True while `pid` names a live process. A zombie counts as gone: it no longer runs or holds
// ports, and a daemon's zombie may wait a long time for a container's init to reap it.
bool process_alive(pid_t pid);

}  // namespace mystocks::test
