// RecordBatch -> CSV text (RFC 4180): a header of column names, then one line per row.
// Decimals print exactly ("1850.01"), doubles as their shortest round-trip text, timestamps as
// epoch ms, dates as YYYY-MM-DD, bools true/false, nulls as empty fields; strings holding a
// comma, quote or line break are quoted. Pure function: safe from any thread.
#pragma once

#include <string>

#include "core/record_batch.h"

namespace mystocks::api {

std::string batch_to_csv(const RecordBatch& batch);

}  // namespace mystocks::api
