// Fuzzes the checks of instance settings: any bytes as a text setting's value, and any text as a
// stored JSON value, give an answer, never a crash; a value the checks accept survives its JSON
// form unchanged (what the log and the index store).
#include <cstdlib>
#include <string>

#include "settings/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* key : {"organisation_name", "reporter_contact"}) {
    vigil::settings::SettingValue value(text);
    if (vigil::settings::CheckSetting(key, value)) continue;
    const auto* spec = vigil::settings::FindSpec(key);
    auto back = vigil::settings::ParseValueJson(*spec, vigil::settings::ValueJson(value));
    if (!back || *back != value) std::abort();
  }
  for (const auto& spec : vigil::settings::Specs()) {
    auto parsed = vigil::settings::ParseValueJson(spec, text);
    if (parsed) (void)vigil::settings::CheckSetting(spec.key, *parsed);
  }
  return 0;
}
