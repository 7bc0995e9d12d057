#include "gateway/envelope.h"

#include "core/json_text.h"

#include <boost/json/object.hpp>
#include <boost/json/array.hpp>

namespace mystocks::gateway {

namespace json = boost::json;

ApiReply ApiReply::ok(json::value data, std::string message) {
  ApiReply reply;
  reply.data = std::move(data);
  reply.message = std::move(message);
  return reply;
}

ApiReply ApiReply::accepted(boost::json::value data, std::string location, std::string message) {
  ApiReply reply = ok(std::move(data), std::move(message));
  reply.success_status = 202;
  reply.headers.emplace_back("Location", std::move(location));
  return reply;
}

ApiReply ApiReply::ok_text(std::string data_text) {
  ApiReply reply;
  reply.data_text = std::move(data_text);
  reply.message = "success";
  return reply;
}

ApiReply ApiReply::page(json::value items, Pagination pagination) {
  ApiReply reply = ok(std::move(items));
  reply.pagination = pagination;
  return reply;
}

ApiReply ApiReply::fail(Status status) {
  ApiReply reply;
  reply.status = std::move(status);
  return reply;
}

ApiReply ApiReply::fail(Status status, std::vector<FieldError> errors) {
  ApiReply reply = fail(std::move(status));
  reply.errors = std::move(errors);
  return reply;
}

ApiReply ApiReply::raw_response(HttpResponse response) {
  ApiReply reply;
  reply.raw = std::move(response);
  return reply;
}

EnvelopeParts render_envelope_parts(const ApiReply& reply, std::string_view data_text) {
  const Status& status = reply.status;
  const ErrorInfo& info = error_info(status.code());
  // Written as head + data + tail so the data tree is serialised in place, never copied.
  json::object head;
  head["success"] = status.is_ok();
  head["code"] = static_cast<int32_t>(status.code());
  head["message"] = status.is_ok() ? (reply.message.empty() ? "success" : reply.message)
                                   : status.message();
  json::object tail;
  if (!status.is_ok()) {
    json::array errors;
    if (!status.field().empty()) {
      errors.push_back(json::object{
          {"field", status.field()}, {"code", info.name}, {"message", status.message()}});
    }
    for (const FieldError& error : reply.errors) {
      errors.push_back(json::object{
          {"field", error.field}, {"code", error.code}, {"message", error.message}});
    }
    if (errors.empty()) {
      errors.push_back(json::object{{"field", nullptr}, {"code", info.name},
                                    {"message", status.message()}});
    }
    tail["errors"] = std::move(errors);
  }
  if (reply.pagination) {
    const Pagination& page = *reply.pagination;
    const int64_t pages = page.size > 0 ? (page.total + page.size - 1) / page.size : 0;
    tail["pagination"] = json::object{
        {"page", page.page}, {"size", page.size}, {"total", page.total}, {"pages", pages}};
  }
  EnvelopeParts parts;
  std::string& body = parts.head;
  append_json(body, head);
  body.back() = ',';  // reopen the head object
  body += "\"data\":";
  if (!status.is_ok()) {
    body += "null";
  } else if (!data_text.empty()) {
    body += data_text;
  } else if (!reply.data_text.empty()) {
    body += reply.data_text;
  } else {
    append_json(body, reply.data);
  }
  body += ',';
  if (tail.empty()) {
    parts.tail = "}";
  } else {
    append_json(parts.tail, tail);
    parts.tail.front() = ',';  // the tail's opening brace joins the per-request members
  }
  return parts;
}

void assemble_envelope(std::string_view head, std::string_view tail,
                       const std::string& request_id, int64_t timestamp_ms, std::string& out) {
  out.clear();
  out.reserve(head.size() + tail.size() + request_id.size() + 48);
  out += head;
  out += "\"timestamp\":";
  out += std::to_string(timestamp_ms);
  out += ",\"request_id\":";
  append_json_string(out, request_id);
  out += tail;
}

HttpResponse render_envelope(const ApiReply& reply, const std::string& request_id,
                             int64_t timestamp_ms, std::string_view data_text) {
  const EnvelopeParts parts = render_envelope_parts(reply, data_text);
  HttpResponse response;
  response.status = reply.status.is_ok() && reply.success_status != 0
                        ? reply.success_status
                        : error_info(reply.status.code()).http_status;
  assemble_envelope(parts.head, parts.tail, request_id, timestamp_ms, response.body);
  response.headers = reply.headers;
  return response;
}

HttpResponse render_error(const Status& status, const std::string& request_id,
                          int64_t timestamp_ms) {
  return render_envelope(ApiReply::fail(status), request_id, timestamp_ms);
}

}  // namespace mystocks::gateway
