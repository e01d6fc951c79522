// A Source that returns at most `step` bytes per Read, as pipes and sockets do, so tests
// exercise short reads.
#pragma once

#include <algorithm>

#include "base/io.h"

namespace vigil::testing {

class TrickleSource final : public Source {
 public:
  TrickleSource(ByteSpan data, std::size_t step) : inner_(data), step_(step) {}
  Result<std::size_t> Read(MutableByteSpan out) override {
    return inner_.Read(out.first(std::min(out.size(), step_)));
  }

 private:
  MemorySource inner_;
  std::size_t step_;
};

}  // namespace vigil::testing
