// JobRunner: submit / progress / list / cancel, the bounded queue and the source resolver, with
// a source that blocks inside a fetch until the test releases it (condition variables, no sleeps).
#include "services/job_runner.h"

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "services/job_json.h"
#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

// Blocks every fetch until release(); tells the test when a fetch is waiting.
class Gate {
 public:
  void wait_inside() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  bool wait_until_waiting(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return waiting_ >= count; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

class JobRunnerTest : public IngestTest {
 protected:
  void SetUp() override {
    IngestTest::SetUp();
    gated_ = std::make_unique<WrappingSource>(*simulator_, [this](int, Result<RecordBatch> r) {
      gate_.wait_inside();
      return r;
    });
  }

  std::unique_ptr<JobRunner> make_runner(size_t queue_capacity) {
    return std::make_unique<JobRunner>(
        *pipeline_,
        [this](const std::string& name) -> Result<sources::IDataSource*> {
          if (name == "gated") return static_cast<sources::IDataSource*>(gated_.get());
          if (name.empty() || name == "simulator") {
            return static_cast<sources::IDataSource*>(simulator_.get());
          }
          return field_error(ErrorCode::kInvalidArgument, "source", "source '{}' is unknown", name);
        },
        clock_, JobRunnerOptions{.workers = 1, .queue_capacity = queue_capacity});
  }

  IngestJobSpec job(std::string source) {
    IngestJobSpec spec = daily_spec({"600000.SH"}, "2024-05-06", "2024-05-10");
    const sources::Universe& universe = simulator_->simulator()->universe();
    spec.symbols = {universe.securities()[universe.sorted_securities()[0]].symbol};
    spec.source = std::move(source);
    return spec;
  }

  Gate gate_;
  std::unique_ptr<WrappingSource> gated_;
};

TEST_F(JobRunnerTest, RunsAJobToSuccessAndReportsItsProgress) {
  auto runner = make_runner(4);
  Result<std::string> id = runner->submit(job(""));
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  EXPECT_EQ(*id, "job-000001");
  ASSERT_TRUE(runner->wait(*id, 30'000));
  Result<JobInfo> info = runner->get(*id);
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->progress.state, JobState::kSucceeded) << info->progress.error;
  EXPECT_EQ(info->progress.rows_written, 5);
  EXPECT_EQ(info->progress.chunks_done, info->progress.chunks_total);
  EXPECT_NE(info->description.find("daily"), std::string::npos);
  EXPECT_EQ(runner->list().size(), 1u);

  const boost::json::object json = job_info_json(*info);
  EXPECT_EQ(json.at("id").as_string(), "job-000001");
  EXPECT_EQ(json.at("state").as_string(), "succeeded");
  EXPECT_EQ(json.at("progress").at("rows_written").as_int64(), 5);
  EXPECT_EQ(json.at("spec").at("dataset").as_string(), "daily");
  EXPECT_EQ(json.at("spec").at("symbols").as_array().size(), 1u);
  EXPECT_TRUE(json.at("error").is_null());
  EXPECT_TRUE(json.at("finished_at").is_int64());
}

TEST_F(JobRunnerTest, QueueFullIsRejectedAndQueuedOrRunningJobsCanBeCancelled) {
  auto runner = make_runner(1);
  Result<std::string> running = runner->submit(job("gated"));
  ASSERT_TRUE(running.is_ok());
  ASSERT_TRUE(gate_.wait_until_waiting(1));  // the worker is inside the first fetch
  EXPECT_EQ(runner->get(*running)->progress.state, JobState::kRunning);

  Result<std::string> queued = runner->submit(job("simulator"));
  ASSERT_TRUE(queued.is_ok());
  Result<std::string> refused = runner->submit(job("simulator"));
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("ingest.queue_capacity = 1"), std::string::npos);

  MYSTOCKS_EXPECT_OK(runner->cancel(*queued));
  EXPECT_EQ(runner->get(*queued)->progress.state, JobState::kCancelled);
  EXPECT_EQ(runner->cancel(*queued).code(), ErrorCode::kFailedPrecondition);

  MYSTOCKS_EXPECT_OK(runner->cancel(*running));
  gate_.release();
  ASSERT_TRUE(runner->wait(*running, 30'000));
  const JobInfo info = *runner->get(*running);
  // The fetch in flight completes and is saved; the job stops before the next chunk. One chunk
  // only here, so it had nothing left to do - cancelled or succeeded, never failed.
  EXPECT_NE(info.progress.state, JobState::kFailed) << info.progress.error;
  const std::vector<JobInfo> jobs = runner->list();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].id, *queued);  // newest first
  EXPECT_EQ(jobs[1].id, *running);
}

TEST_F(JobRunnerTest, CancelStopsARunningJobBetweenChunks) {
  auto runner = make_runner(1);
  IngestJobSpec spec = job("gated");
  spec.chunk_days = 1;  // five chunks
  Result<std::string> id = runner->submit(spec);
  ASSERT_TRUE(id.is_ok());
  ASSERT_TRUE(gate_.wait_until_waiting(1));
  MYSTOCKS_EXPECT_OK(runner->cancel(*id));
  gate_.release();
  ASSERT_TRUE(runner->wait(*id, 30'000));
  const ProgressSnapshot progress = runner->get(*id)->progress;
  EXPECT_EQ(progress.state, JobState::kCancelled);
  EXPECT_EQ(progress.error_code, ErrorCode::kCancelled);
  EXPECT_EQ(progress.chunks_done, 1);
  EXPECT_EQ(progress.chunks_total, 5);
}

TEST_F(JobRunnerTest, UnknownSourceFailsTheJobAndUnknownIdsAreNotFound) {
  auto runner = make_runner(4);
  Result<std::string> id = runner->submit(job("vendor"));
  ASSERT_TRUE(id.is_ok());
  ASSERT_TRUE(runner->wait(*id, 30'000));
  const JobInfo info = *runner->get(*id);
  EXPECT_EQ(info.progress.state, JobState::kFailed);
  EXPECT_NE(info.progress.error.find("source 'vendor' is unknown"), std::string::npos);
  EXPECT_EQ(job_info_json(info).at("error").at("code").as_string(), "INVALID_ARGUMENT");
  EXPECT_EQ(runner->get("job-999999").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(runner->cancel("job-999999").code(), ErrorCode::kNotFound);
}

TEST_F(JobRunnerTest, ForgetsFinishedJobsBeyondTheCountBound) {
  JobRunner runner(
      *pipeline_,
      [this](const std::string&) -> Result<sources::IDataSource*> {
        return static_cast<sources::IDataSource*>(simulator_.get());
      },
      clock_, JobRunnerOptions{.queue_capacity = 8, .keep_finished = 2});
  std::vector<std::string> ids;
  for (int index = 0; index < 3; ++index) {
    Result<std::string> id = runner.submit(job(""));
    ASSERT_TRUE(id.is_ok());
    ASSERT_TRUE(runner.wait(*id, 30'000));
    ids.push_back(*id);
  }
  EXPECT_EQ(runner.get(ids[0]).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(runner.get(ids[2]).is_ok());
  EXPECT_EQ(runner.list().size(), 2u);
}

TEST_F(JobRunnerTest, ForgetsFinishedJobsAfterTheTimeBound) {
  JobRunner runner(
      *pipeline_,
      [this](const std::string&) -> Result<sources::IDataSource*> {
        return static_cast<sources::IDataSource*>(simulator_.get());
      },
      clock_, JobRunnerOptions{.keep_finished_ms = 60'000});
  Result<std::string> old = runner.submit(job(""));
  ASSERT_TRUE(old.is_ok());
  ASSERT_TRUE(runner.wait(*old, 30'000));
  clock_.advance_ms(59'000);
  Result<std::string> recent = runner.submit(job(""));
  ASSERT_TRUE(recent.is_ok());
  ASSERT_TRUE(runner.wait(*recent, 30'000));
  EXPECT_TRUE(runner.get(*old).is_ok());  // 59 s: still listed
  clock_.advance_ms(2'000);
  ASSERT_TRUE(runner.submit(job("")).is_ok());  // submitting sweeps the expired ones
  EXPECT_EQ(runner.get(*old).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(runner.get(*recent).is_ok());
}

TEST_F(JobRunnerTest, FailoverResolverFindsTheFailoverAndItsMembers) {
  std::vector<std::unique_ptr<sources::IDataSource>> members;
  members.push_back(std::move(simulator_));
  auto failover = sources::FailoverSource::create("sources", std::move(members), {}, {"simulator"},
                                                  metrics_, clock_);
  ASSERT_TRUE(failover.is_ok()) << failover.status().to_string();
  const SourceResolver resolve = failover_resolver(**failover);
  EXPECT_EQ((*resolve(""))->name(), "sources");
  EXPECT_EQ((*resolve("simulator"))->name(), "simulator");
  Result<sources::IDataSource*> unknown = resolve("vendor");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().field(), "source");
  EXPECT_NE(unknown.status().message().find("expected one of simulator"), std::string::npos);
}

TEST(JobRunnerConfig, OptionsFollowTheIngestSection) {
  IngestConfig config;
  config.workers = 2;
  config.queue_capacity = 3;
  config.keep_finished_jobs = 4;
  config.keep_finished_seconds = 5;
  const JobRunnerOptions options = job_runner_options(config);
  EXPECT_EQ(options.workers, 2);
  EXPECT_EQ(options.queue_capacity, 3u);
  EXPECT_EQ(options.keep_finished, 4u);
  EXPECT_EQ(options.keep_finished_ms, 5000);
}

}  // namespace
}  // namespace mystocks::services::test
