// An unordered map keyed by text that finds a std::string_view key without building a
// std::string (C++20 heterogeneous lookup): for caches looked up on every request.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vigil {

struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringViewHash, std::equal_to<>>;

}  // namespace vigil
