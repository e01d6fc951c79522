// For tests: the value of a Result the test expects to hold one, recording a failure (with the
// error) and returning a default value when it does not.
#pragma once

#include <gtest/gtest.h>

#include "base/error.h"

namespace vigil::testing {

template <typename T>
T ValueOf(Result<T> result) {
  EXPECT_TRUE(result) << result.error().ToString();
  return result ? std::move(*result) : T{};
}

}  // namespace vigil::testing
