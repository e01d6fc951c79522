#include "base/random.h"

#include <sys/random.h>

#include <cerrno>

#include "base/check.h"

namespace vigil {

void SystemRandom::Fill(MutableByteSpan out) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    CHECK_MSG(n > 0, "getrandom failed");
    done += static_cast<std::size_t>(n);
  }
}

SystemRandom& SystemRandom::Get() {
  static SystemRandom random;
  return random;
}

}  // namespace vigil
