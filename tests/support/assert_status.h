// GoogleTest assertions for Status: on failure they print the code and message, which is where
// the harness puts the server log tail. Header-only; for test binaries (which link GoogleTest).
#pragma once

#include <gtest/gtest.h>

#include "core/status.h"

#define MYSTOCKS_ASSERT_OK(expr)                                                         \
  do {                                                                                   \
    const ::mystocks::Status& mystocks_assert_status_ = (expr);                          \
    ASSERT_TRUE(mystocks_assert_status_.is_ok()) << mystocks_assert_status_.to_string(); \
  } while (false)

#define MYSTOCKS_EXPECT_OK(expr)                                                         \
  do {                                                                                   \
    const ::mystocks::Status& mystocks_expect_status_ = (expr);                          \
    EXPECT_TRUE(mystocks_expect_status_.is_ok()) << mystocks_expect_status_.to_string(); \
  } while (false)
