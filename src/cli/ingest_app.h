// `mystocks ingest`: runs one ingest job from the command line against the configured stores
// (opened exactly as the server opens them) and sources, with a progress bar on a terminal
// (one updating line: chunks, rows, rows/s, ETA) or periodic log lines otherwise, and a final
// summary (rows written/rejected, quality findings, elapsed). Ctrl-C cancels between chunks;
// finished chunks stay written, so re-running the command resumes.
// Runs on the main thread (the job on a second one) and returns a process exit code.
#pragma once

#include <string_view>
#include <vector>

namespace mystocks::cli {

// `args` are the words after "ingest". Exit codes: 0 the job succeeded, 1 it failed or was
// cancelled (or the configuration/stores could not be opened), 2 usage error.
int run_ingest(const std::vector<std::string_view>& args);

}  // namespace mystocks::cli
