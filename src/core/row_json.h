// RecordBatch cells as JSON values, the one conversion the REST API and the realtime feed share:
// decimals become numbers (printed exactly by core/json_text.h), timestamps epoch-ms integers,
// dates "YYYY-MM-DD" strings, bools true/false, nulls and non-finite doubles null.
// Every function takes the storage the result is allocated from: pass one monotonic resource for
// a whole response (and build the enclosing objects with it too, or they copy) to replace
// thousands of small allocations with a few blocks. Pure functions: safe from any thread on an
// immutable batch.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include "core/record_batch.h"

namespace mystocks {

boost::json::value cell_json(const Field& field, const Column& column, size_t row,
                             boost::json::storage_ptr storage = {});

// {column: value} of one row, every column.
boost::json::object row_json(const RecordBatch& batch, size_t row,
                             boost::json::storage_ptr storage = {});
// Every row as an object, in order.
boost::json::array rows_json(const RecordBatch& batch, boost::json::storage_ptr storage = {});
// One column's values as an array (the columnar form).
boost::json::array column_json(const Field& field, const Column& column,
                               boost::json::storage_ptr storage = {});

// The same conversion straight to JSON text, without a tree, for large responses. Decimals are
// written from their scaled integers, so the text equals what the tree serialises to.
void append_rows_json(std::string& out, const RecordBatch& batch);  // [{...}, ...]
void append_column_json(std::string& out, const Field& field, const Column& column);  // [v, ...]
// The columnar members of an object (no braces): "columns":[names],"count":rows,
// "data":{name:[values], ...} - the shape of the v2 market routes (pandas.DataFrame(data)).
void append_columns_json(std::string& out, const RecordBatch& batch);

}  // namespace mystocks
