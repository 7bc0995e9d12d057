// Process accounting for the load generator from /proc and getrusage: a server's resident
// memory (VmRSS) and CPU time, and the generator's own CPU time, so a report can show per
// connection memory and which side of the benchmark was busy.
// Thread-safety: free functions without shared state; safe from any thread.
#pragma once

#include <cstdint>

#include <sys/types.h>

namespace mystocks::bench {

// VmRSS of `pid` in kB from /proc/<pid>/status; -1 if the process is gone or unreadable.
int64_t resident_kb(pid_t pid);

// User + system CPU seconds `pid` has used (/proc/<pid>/stat); -1 if unreadable.
double process_cpu_seconds(pid_t pid);

// User + system CPU seconds of this process, all threads (getrusage).
double own_cpu_seconds();

}  // namespace mystocks::bench
