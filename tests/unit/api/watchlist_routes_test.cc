// Watchlist CRUD through the router: lists and their symbols, per-user isolation, 409 on a
// duplicate name or symbol, 400 naming the field for unknown symbols and bad bodies, 404s.
#include <gtest/gtest.h>

#include "unit/api/api_ext_fixture.h"

namespace mystocks::api::test {
namespace {

class WatchlistRoutesTest : public ApiExtTest {
 protected:
  Reply create(const std::string& body, std::string user = {}) {
    return post("/api/v1/watchlists", body, std::move(user));
  }
  Reply put(const std::string& id, const std::string& body, std::string user = {}) {
    return call(gateway::HttpMethod::kPut, "/api/v1/watchlists/" + id, body, std::move(user));
  }
  Reply erase(const std::string& target, std::string user = {}) {
    return call(gateway::HttpMethod::kDelete, target, {}, std::move(user));
  }
  static std::vector<std::string> symbols_of(const Reply& reply) {
    std::vector<std::string> out;
    for (const json::value& entry : reply.data().at("symbols").as_array()) {
      out.emplace_back(entry.at("symbol").as_string());
    }
    return out;
  }
  static std::string id_of(const Reply& reply) {
    return std::string(reply.data().at("id").as_string());
  }
};

TEST_F(WatchlistRoutesTest, CreateReadUpdateDelete) {
  // Any accepted spelling is stored canonically, in the given order.
  const std::string bare = main_.substr(0, 6);
  Reply created = create(R"({"name":"tech","description":"growth","symbols":[")" + chinext_ +
                         R"(",")" + bare + R"("]})");
  ASSERT_EQ(created.status, 200) << text(created);
  const std::string id = id_of(created);
  EXPECT_EQ(created.data().at("name").as_string(), "tech");
  EXPECT_EQ(created.data().at("description").as_string(), "growth");
  EXPECT_EQ(symbols_of(created), (std::vector<std::string>{chinext_, main_}));
  EXPECT_EQ(created.data().at("created_at").as_int64(), kNow);

  Reply fetched = get("/api/v1/watchlists/" + id);
  ASSERT_EQ(fetched.status, 200) << text(fetched);
  EXPECT_EQ(fetched.data(), created.data());

  clock_.advance_ms(1000);
  Reply added =
      post("/api/v1/watchlists/" + id + "/symbols", R"({"symbols":[")" + star_ + R"("]})");
  ASSERT_EQ(added.status, 200) << text(added);
  EXPECT_EQ(symbols_of(added), (std::vector<std::string>{chinext_, main_, star_}));
  EXPECT_EQ(added.data().at("updated_at").as_int64(), kNow + 1000);

  Reply removed = erase("/api/v1/watchlists/" + id + "/symbols/" + bare);
  ASSERT_EQ(removed.status, 200) << text(removed);
  EXPECT_EQ(symbols_of(removed), (std::vector<std::string>{chinext_, star_}));

  Reply renamed = put(id, R"({"name":"growth","description":null})");
  ASSERT_EQ(renamed.status, 200) << text(renamed);
  EXPECT_EQ(renamed.data().at("name").as_string(), "growth");
  EXPECT_TRUE(renamed.data().at("description").is_null());
  EXPECT_EQ(symbols_of(renamed), (std::vector<std::string>{chinext_, star_})) << "symbols kept";
  EXPECT_EQ(renamed.data().at("created_at").as_int64(), kNow);

  Reply replaced = put(id, R"({"symbols":[")" + bse_ + R"(",")" + main_ + R"("]})");
  ASSERT_EQ(replaced.status, 200) << text(replaced);
  EXPECT_EQ(symbols_of(replaced), (std::vector<std::string>{bse_, main_}));
  EXPECT_EQ(replaced.data().at("name").as_string(), "growth");

  Reply all = get("/api/v1/watchlists");
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.data().as_array().size(), 1u);
  EXPECT_EQ(all.data().as_array()[0], replaced.data());

  Reply deleted = erase("/api/v1/watchlists/" + id);
  ASSERT_EQ(deleted.status, 200) << text(deleted);
  EXPECT_EQ(get("/api/v1/watchlists/" + id).status, 404);
  EXPECT_TRUE(get("/api/v1/watchlists").data().as_array().empty());
  Result<RecordBatch> members = data_->load("watchlist_symbols", {});
  ASSERT_TRUE(members.is_ok());
  EXPECT_EQ(members->num_rows(), 0u) << "members of a deleted list remain";
}

TEST_F(WatchlistRoutesTest, EmptyListsAndListsPerUser) {
  Reply mine = create(R"({"name":"a"})");
  ASSERT_EQ(mine.status, 200) << text(mine);
  EXPECT_TRUE(mine.data().at("symbols").as_array().empty());
  ASSERT_EQ(create(R"({"name":"b"})").status, 200);
  // The same name for another user is no conflict; the lists stay apart.
  Reply theirs = create(R"({"name":"a"})", "alice");
  ASSERT_EQ(theirs.status, 200) << text(theirs);
  EXPECT_EQ(get("/api/v1/watchlists").data().as_array().size(), 2u);
  EXPECT_EQ(get("/api/v1/watchlists", "alice").data().as_array().size(), 1u);
  const std::string id = id_of(mine);
  EXPECT_EQ(get("/api/v1/watchlists/" + id, "alice").status, 404);
  EXPECT_EQ(put(id, R"({"name":"x"})", "alice").status, 404);
  EXPECT_EQ(erase("/api/v1/watchlists/" + id, "alice").status, 404);
  EXPECT_EQ(get("/api/v1/watchlists/" + id).status, 200) << "alice's delete touched demo's list";
}

TEST_F(WatchlistRoutesTest, ConflictsAreA409NamingTheField) {
  Reply first = create(R"({"name":"dup","symbols":[")" + main_ + R"("]})");
  ASSERT_EQ(first.status, 200);
  Reply second = create(R"({"name":"dup"})");
  EXPECT_EQ(second.status, 409) << text(second);
  EXPECT_EQ(second.field(), "name");
  EXPECT_EQ(second.code(), "ALREADY_EXISTS");

  Reply other = create(R"({"name":"other"})");
  Reply rename = put(id_of(other), R"({"name":"dup"})");
  EXPECT_EQ(rename.status, 409) << text(rename);
  EXPECT_EQ(rename.field(), "name");
  EXPECT_EQ(put(id_of(first), R"({"name":"dup"})").status, 200) << "renaming to its own name";

  Reply again = post("/api/v1/watchlists/" + id_of(first) + "/symbols",
                     R"({"symbols":[")" + star_ + R"(",")" + main_ + R"("]})");
  EXPECT_EQ(again.status, 409) << text(again);
  EXPECT_EQ(again.field(), "symbols[1]");
  EXPECT_EQ(symbols_of(get("/api/v1/watchlists/" + id_of(first))),
            (std::vector<std::string>{main_}))
      << "a refused addition must add nothing";
}

TEST_F(WatchlistRoutesTest, BadInputsNameTheField) {
  Reply list = create(R"({"name":"base"})");
  const std::string id = id_of(list);
  struct Case {
    std::string name;
    gateway::HttpMethod method;
    std::string target;
    std::string body;
    int status;
    std::string field;
  };
  using M = gateway::HttpMethod;
  const std::vector<Case> cases = {
      {"unknown symbol", M::kPost, "/api/v1/watchlists",
       R"({"name":"n","symbols":[")" + main_ + R"(","689999.SH"]})", 400, "symbols[1]"},
      {"unparsable symbol", M::kPost, "/api/v1/watchlists", R"({"name":"n","symbols":["XYZ"]})",
       400, "symbols[0]"},
      {"symbol twice", M::kPost, "/api/v1/watchlists",
       R"({"name":"n","symbols":[")" + main_ + R"(",")" + main_ + R"("]})", 400, "symbols[1]"},
      {"name missing", M::kPost, "/api/v1/watchlists", R"({"symbols":[]})", 400, "name"},
      {"name empty", M::kPost, "/api/v1/watchlists", R"({"name":""})", 400, "name"},
      {"name too long", M::kPost, "/api/v1/watchlists",
       R"({"name":")" + std::string(65, 'x') + R"("})", 400, "name"},
      {"name not a string", M::kPost, "/api/v1/watchlists", R"({"name":5})", 400, "name"},
      {"unknown field", M::kPost, "/api/v1/watchlists", R"({"name":"n","colour":"red"})", 400,
       "colour"},
      {"malformed JSON", M::kPost, "/api/v1/watchlists", R"({"name":)", 400, "body"},
      {"symbols not a list", M::kPut, "/api/v1/watchlists/" + id, R"({"symbols":"600519.SH"})", 400,
       "symbols"},
      {"add nothing", M::kPost, "/api/v1/watchlists/" + id + "/symbols", R"({"symbols":[]})", 400,
       "symbols"},
      {"add unknown", M::kPost, "/api/v1/watchlists/" + id + "/symbols",
       R"({"symbols":["430999.BJ"]})", 400, "symbols[0]"},
      {"remove unparsable", M::kDelete, "/api/v1/watchlists/" + id + "/symbols/abc", "", 400,
       "symbol"},
      {"remove absent", M::kDelete, "/api/v1/watchlists/" + id + "/symbols/" + star_, "", 404,
       "symbol"},
      {"unknown list", M::kGet, "/api/v1/watchlists/wl-none", "", 404, "id"},
      {"add to unknown list", M::kPost, "/api/v1/watchlists/wl-none/symbols",
       R"({"symbols":[")" + main_ + R"("]})", 404, "id"},
  };
  for (const Case& c : cases) {
    Reply reply = call(c.method, c.target, c.body);
    EXPECT_EQ(reply.status, c.status) << c.name << ": " << text(reply);
    EXPECT_EQ(reply.field(), c.field) << c.name << ": " << text(reply);
  }
  EXPECT_EQ(get("/api/v1/watchlists").data().as_array().size(), 1u)
      << "a bad request created a list";
}

}  // namespace
}  // namespace mystocks::api::test

namespace mystocks::api::test {
namespace {

// One clock per purpose: a watchlist is a user's record, so its times and the envelope follow the
// wall clock even when the market clock (the demo's simulated session) says something else.
TEST_F(WatchlistRoutesTest, RecordTimesAndEnvelopeFollowTheWallClockNotTheMarketClock) {
  ManualClock wall(kNow + 10 * 3600 * 1000);  // 20:00 while the market clock says 10:00
  gateway::RouteRegistry registry;
  MYSTOCKS_ASSERT_OK(register_watchlist_routes(
      registry,
      MarketApi{
          .data = data_.get(), .catalog = catalog_.get(), .clock = &clock_, .wall_clock = &wall}));
  router_ = std::make_unique<gateway::Router>(registry, metrics_, wall,
                                              gateway::RouterOptions{.access_control = &access_});
  Reply created =
      post("/api/v1/watchlists", R"({"name":"evening","symbols":[")" + main_ + R"("]})");
  ASSERT_EQ(created.status, 200) << text(created);
  EXPECT_EQ(created.data().at("created_at").as_int64(), wall.now_ms());
  EXPECT_EQ(created.body.at("timestamp").as_int64(), wall.now_ms());
  wall.advance_ms(5000);
  const std::string id(created.data().at("id").as_string());
  Reply added =
      post("/api/v1/watchlists/" + id + "/symbols", R"({"symbols":[")" + star_ + R"("]})");
  ASSERT_EQ(added.status, 200) << text(added);
  EXPECT_EQ(added.data().at("updated_at").as_int64(), wall.now_ms());
  EXPECT_EQ(added.data().at("created_at").as_int64(), wall.now_ms() - 5000);
  router_.reset();  // before `registry` goes
}

}  // namespace
}  // namespace mystocks::api::test
