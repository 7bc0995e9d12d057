#include "api/job_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/route_prelude.h"
#include "api/route_support.h"
#include "services/job_json.h"

namespace mystocks::api {
namespace {

json::object job_schema() {
  return json::object{
      {"type", "object"},
      {"description", "An ingest job and its progress"},
      {"properties",
       {{"id", {{"type", "string"}, {"examples", json::array{"job-000001"}}}},
        {"state",
         {{"type", "string"},
          {"enum", json::array{"queued", "running", "succeeded", "failed", "cancelled"}}}},
        {"registered_symbols",
         {{"type", "array"},
          {"description", "symbols this job added to the securities master as inferred"}}},
        {"notes", {{"type", "array"}, {"description", "what the job did besides storing rows"}}},
        {"progress", {{"type", "object"}}},
        {"error", {{"type", json::array{"object", "null"}}}}}}};
}

json::object create_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"dataset"}},
      {"properties",
       {{"source",
         {{"type", "string"}, {"description", "a configured source; empty = failover order"}}},
        {"dataset",
         {{"type", "string"},
          {"description",
           "daily, index_daily, minute:1m|5m|15m|30m|60m, tick, symbols, calendar, "
           "index_components, fundamentals, fund_flow, realtime"},
          {"examples", json::array{"daily"}}}},
        {"symbols",
         {{"description", "symbols as an array or a comma-separated string; omit with all=true"}}},
        {"all", {{"type", "boolean"}, {"description", "every symbol the source knows"}}},
        {"from", {{"type", "string"}, {"examples", json::array{"2024-01-02"}}}},
        {"to", {{"type", "string"}, {"examples", json::array{"2024-12-31"}}}},
        {"strategy", {{"type", "string"}, {"enum", json::array{"rollback", "continue", "retry"}}}},
        {"chunk_symbols", {{"type", "integer"}, {"minimum", 1}}},
        {"chunk_days", {{"type", "integer"}, {"minimum", 1}}},
        {"replace",
         {{"type", "boolean"},
          {"description",
           "fetch the whole range again and replace each chunk's symbols x dates atomically "
           "(rows the source no longer has go; minute bars: only the job's interval); "
           "default false: resume"}}}}}};
}

}  // namespace

Status register_job_routes(gateway::RouteRegistry& registry, services::JobRunner& jobs,
                           services::JobSpecRules rules, JobSizeLimits limits) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/data/jobs",
      .version = "v1",
      .summary = "Submit an ingest job (fetch, validate, store) and follow it by id",
      .description = "Answers 202 Accepted with Location: /api/v1/data/jobs/{id} and the queued "
                     "job; it runs in the background on the ingest workers. Re-running a job "
                     "skips what is already stored. 503 RESOURCE_EXHAUSTED when the job queue is "
                     "full.",
      .tags = {"data"},
      .resource = "jobs",
      .action = "write",
      .request_schema = create_schema(),
      .response_schema = job_schema(),
      .success_status = 202,
      .rate_class = "heavy",
      .handler =
          [&jobs, rules, limits](const HttpRequest& request) {
            Result<services::IngestJobSpec> spec =
                services::parse_job_spec(request.body_json, rules);
            if (!spec.is_ok()) return ApiReply::fail(spec.status());
            const int64_t size = services::job_symbol_days(*spec, static_cast<int64_t>(rules.max_symbols));
            const int64_t limit = services::job_limit_for(request.principal.roles, limits.max_symbol_days);
            if (limit > 0 && size > limit) {
              return ApiReply::fail(error(ErrorCode::kPermissionDenied,
                                          "the job covers {} symbol-days; your role may submit at "
                                          "most {} (security.job_max_symbol_days): split it into "
                                          "smaller jobs",
                                          size, limit));
            }
            Result<std::string> id = jobs.submit(std::move(*spec));
            if (!id.is_ok()) return ApiReply::fail(id.status());
            Result<services::JobInfo> job = jobs.get(*id);
            if (!job.is_ok()) return ApiReply::fail(job.status());
            return ApiReply::accepted(services::job_info_json(*job),
                                      "/api/v1/data/jobs/" + job->id, "job submitted");
          },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/data/jobs",
      .version = "v1",
      .summary = "Ingest jobs, queued, running and recently finished (earlier runs included)",
      .description = "Finished jobs come from the ingest_jobs history, so they survive a "
                     "restart; a job that was queued or running when its process died is "
                     "failed with ABORTED and a message saying it was interrupted.",
      .tags = {"data"},
      .resource = "jobs",
      .action = "read",
      .response_schema = json::object{{"type", "array"}, {"items", job_schema()}},
      .handler =
          [&jobs](const HttpRequest&) {
            json::array out;
            for (const services::JobInfo& job : jobs.list()) out.push_back(services::job_info_json(job));
            return ApiReply::ok(std::move(out));
          },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/data/jobs/{id}",
      .version = "v1",
      .summary = "One ingest job with its progress (rows, rows/s, ETA, quality findings)",
      .tags = {"data"},
      .resource = "jobs",
      .action = "read",
      .params = {id_path_param("job id, as POST /api/v1/data/jobs returned it")},
      .response_schema = job_schema(),
      .handler =
          [&jobs](const HttpRequest& request) {
            Result<services::JobInfo> job = jobs.get(request.path_params.at("id"));
            if (!job.is_ok()) return ApiReply::fail(job.status());
            return ApiReply::ok(services::job_info_json(*job));
          },
  }));
  return registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/data/jobs/{id}/cancel",
      .version = "v1",
      .summary = "Cancel an ingest job; it stops after its current chunk",
      .description = "409 FAILED_PRECONDITION when the job already finished.",
      .tags = {"data"},
      .resource = "jobs",
      .action = "write",
      .params = {id_path_param("job id, as POST /api/v1/data/jobs returned it")},
      .response_schema = job_schema(),
      .handler =
          [&jobs](const HttpRequest& request) {
            const std::string& id = request.path_params.at("id");
            if (Status cancelled = jobs.cancel(id); !cancelled.is_ok()) return ApiReply::fail(cancelled);
            Result<services::JobInfo> job = jobs.get(id);
            if (!job.is_ok()) return ApiReply::fail(job.status());
            return ApiReply::ok(services::job_info_json(*job), "cancel requested");
          },
  });
}

}  // namespace mystocks::api
