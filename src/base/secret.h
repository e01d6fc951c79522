// Buffers for key material: zeroed on destruction and on move, never printed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/bytes.h"

namespace vigil {

// Zeroes memory in a way the compiler may not elide.
void SecureZero(void* data, std::size_t size);

// A heap buffer of secret bytes, fixed size after construction. Move-only. The memory is locked
// against swapping when the system allows it (best effort) and zeroed before it is freed.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size);
  explicit SecretBytes(ByteSpan bytes);
  ~SecretBytes();

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<std::uint8_t> span() { return {data_, size_}; }
  ByteSpan span() const { return {data_, size_}; }
  std::string_view chars() const { return {reinterpret_cast<const char*>(data_), size_}; }

  SecretBytes Clone() const { return SecretBytes(span()); }

 private:
  void Release();

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace vigil
