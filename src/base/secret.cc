#include "base/secret.h"

#include <string.h>  // explicit_bzero
#include <sys/mman.h>

#include <cstring>
#include <new>

namespace vigil {

void SecureZero(void* data, std::size_t size) {
  if (size != 0) explicit_bzero(data, size);
}

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
  if (size_ == 0) return;
  data_ = new std::uint8_t[size_]();
  // Security: keep keys out of swap where the process is allowed to lock pages (threat model T4:
  // seized server). Failure is not fatal; the data is still zeroed on release.
  (void)mlock(data_, size_);
}

SecretBytes::SecretBytes(ByteSpan bytes) : SecretBytes(bytes.size()) {
  if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
}

SecretBytes::~SecretBytes() { Release(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

void SecretBytes::Release() {
  if (data_ == nullptr) return;
  SecureZero(data_, size_);
  (void)munlock(data_, size_);
  delete[] data_;
  data_ = nullptr;
  size_ = 0;
}

}  // namespace vigil
