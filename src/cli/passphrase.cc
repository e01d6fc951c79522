#include "cli/passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace vigil::cli {
namespace {

Result<SecretBytes> ReadFromTerminal(int fd, const char* prompt) {
  (void)!::write(fd, prompt, std::strlen(prompt));
  termios old_mode{};
  bool restore = ::tcgetattr(fd, &old_mode) == 0;
  if (restore) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  SecretBytes buf(1024);
  std::size_t len = 0;
  while (len < buf.size()) {
    char c;
    ssize_t n = ::read(fd, &c, 1);
    if (n <= 0 || c == '\n') break;
    buf.data()[len++] = static_cast<std::uint8_t>(c);
  }
  if (restore) ::tcsetattr(fd, TCSAFLUSH, &old_mode);
  (void)!::write(fd, "\n", 1);
  if (len > 0 && buf.data()[len - 1] == '\r') --len;
  return SecretBytes(ByteSpan(buf.data(), len));
}

}  // namespace

Result<SecretBytes> ReadPassphrase(const char* prompt, bool confirm) {
  if (const char* env = std::getenv("VIGIL_PASSPHRASE"); env != nullptr) {
    if (*env == 0) return MakeError(Errc::kInvalidArgument, "VIGIL_PASSPHRASE is empty");
    return SecretBytes(AsBytes(env));
  }
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return MakeError(Errc::kFailedPrecondition,
                     "no terminal to read a passphrase from; set VIGIL_PASSPHRASE");
  auto first = ReadFromTerminal(fd, prompt);
  if (first && confirm) {
    auto second = ReadFromTerminal(fd, "Confirm passphrase: ");
    if (second && first->chars() != second->chars()) {
      ::close(fd);
      return MakeError(Errc::kInvalidArgument, "passphrases do not match");
    }
  }
  ::close(fd);
  if (first && first->empty()) return MakeError(Errc::kInvalidArgument, "empty passphrase");
  return first;
}

}  // namespace vigil::cli
