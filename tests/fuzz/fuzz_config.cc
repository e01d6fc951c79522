// Fuzzes the configuration parser: any text yields a configuration or a list of problems,
// never a crash; a configuration it accepts formats and parses back to the same values.
#include <cstdlib>
#include <string_view>

#include "server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  vigil::server::Config config;
  auto errors = vigil::server::ParseConfig("fuzz.conf", text, {}, "/srv/vigil", config);
  if (!errors.lines.empty()) return 0;
  vigil::server::Config again;
  auto round_trip =
      vigil::server::ParseConfig("formatted", vigil::server::FormatConfig(config), {}, "/", again);
  if (!round_trip.lines.empty() || again.data_dir != config.data_dir ||
      again.listen_port != config.listen_port || again.log_origin != config.log_origin ||
      again.max_upload_bytes != config.max_upload_bytes)
    std::abort();
  return 0;
}
