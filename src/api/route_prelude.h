// The names every route file of the api layer uses, in one place: the gateway's route and
// request types, the typed parameter readers (gateway/params.h) and the `json` alias. Internal to
// src/api/*.cc (never included by a header), so the aliases do not leak to other layers.
// Declarations only: safe from any thread.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "gateway/envelope.h"
#include "gateway/http_types.h"
#include "gateway/params.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

namespace json = boost::json;
using gateway::ApiReply;
using gateway::has_param;
using gateway::HttpMethod;
using gateway::HttpRequest;
using gateway::int_param;
using gateway::ParamLocation;
using gateway::ParamSpec;
using gateway::RouteSpec;
using gateway::string_param;

}  // namespace mystocks::api
