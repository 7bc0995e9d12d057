#include "sources/csv/csv_tokenizer.h"

#include <gtest/gtest.h>

namespace mystocks::sources {
namespace {

// Records rendered as "line:f1|f2|..." and errors as "!line:column".
std::vector<std::string> tokenize(std::string_view text, char delimiter = ',') {
  CsvTokenizer tokenizer(text, delimiter);
  CsvRecord record;
  std::vector<std::string> out;
  while (true) {
    Result<bool> more = tokenizer.next(record);
    if (!more.is_ok()) {
      out.push_back("!" + std::to_string(tokenizer.error_line()) + ":" +
                    std::to_string(tokenizer.error_column()));
      continue;
    }
    if (!*more) break;
    std::string rendered = std::to_string(record.line) + ":";
    for (size_t k = 0; k < record.fields.size(); ++k) {
      rendered += (k == 0 ? "" : "|") + std::string(record.fields[k]);
    }
    out.push_back(rendered);
  }
  return out;
}

struct TokenCase {
  std::string_view name;
  std::string_view text;
  std::vector<std::string> records;
};

TEST(CsvTokenizerTest, SplitsRecordsAsRfc4180Says) {
  const TokenCase cases[] = {
      {"plain", "a,b,c\n1,2,3\n", {"1:a|b|c", "2:1|2|3"}},
      {"no final newline", "a,b\n1,2", {"1:a|b", "2:1|2"}},
      {"crlf", "a,b\r\n1,2\r\n", {"1:a|b", "2:1|2"}},
      {"blank lines skipped, numbers kept", "a\n\n  \n\r\nb\n", {"1:a", "5:b"}},
      {"empty fields", "a,,c,\n", {"1:a||c|"}},
      {"spaces trimmed", " a , b \n", {"1:a|b"}},
      {"quoted delimiter", "\"1,234.5\",x\n", {"1:1,234.5|x"}},
      {"escaped quote", "\"say \"\"hi\"\"\",y\n", {"1:say \"hi\"|y"}},
      {"newline inside quotes", "\"two\nlines\",z\nnext\n", {"1:two\nlines|z", "3:next"}},
      {"quoted empty", "\"\",a\n", {"1:|a"}},
      {"unterminated quote", "a\n\"open,b\n", {"1:a", "!2:1"}},
      {"text after closing quote", "\"a\"b,c\nok\n", {"!1:1", "2:ok"}},
      {"quote inside unquoted", "a,b\"c\nok\n", {"!1:2", "2:ok"}},
      {"chinese text", "日期,开盘\n2024-01-02,10.5\n", {"1:日期|开盘", "2:2024-01-02|10.5"}},
  };
  for (const TokenCase& c : cases) {
    EXPECT_EQ(tokenize(c.text), c.records) << c.name;
  }
  EXPECT_EQ(tokenize("a\tb\n1\t2\n", '\t'), (std::vector<std::string>{"1:a|b", "2:1|2"}));
}

}  // namespace
}  // namespace mystocks::sources
