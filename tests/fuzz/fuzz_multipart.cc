// Fuzzes the streaming multipart/form-data parser. Input: two bytes that choose a split position,
// one byte that chooses a small chunk size, then the body (boundary "b0"). Properties: the body fed
// whole, in two pieces at the split and in small chunks gives the same events (data merged) and
// the same error class; events nest (begin, data, end); a successful parse ends every part it
// began. Also: a boundary taken from the body as a Content-Type is 1 to 70 characters.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/multipart.h"

namespace {

using vigil::ByteSpan;
using vigil::Status;
using vigil::http::MultipartLimits;
using vigil::http::MultipartParser;
using vigil::http::PartHeaders;

constexpr std::string_view kBoundary = "b0";

class Recorder : public vigil::http::MultipartVisitor {
 public:
  Status OnPartBegin(const PartHeaders& h) override {
    if (open_) std::abort();
    open_ = true;
    events.push_back("B" + h.name + "\n" + (h.filename ? "F" + *h.filename : "-") + "\n" +
                     h.content_type);
    // A consumer refusing a part: the same whatever the chunks.
    if (h.name == "abort") return vigil::MakeError(vigil::Errc::kPermissionDenied, "refused");
    return vigil::OkStatus();
  }
  Status OnPartData(ByteSpan data) override {
    if (!open_ || data.empty()) std::abort();
    if (events.back()[0] != 'D') events.push_back("D");
    events.back() += vigil::AsChars(data);
    return vigil::OkStatus();
  }
  Status OnPartEnd() override {
    if (!open_) std::abort();
    open_ = false;
    events.push_back("E");
    return vigil::OkStatus();
  }
  bool open() const { return open_; }
  std::vector<std::string> events;

 private:
  bool open_ = false;
};

struct Run {
  std::vector<std::string> events;
  std::optional<vigil::Errc> error;
};

// Feeds the body in pieces that end at `ends` (ascending, the last one body.size()).
Run Parse(std::string_view body, const std::vector<std::size_t>& ends) {
  MultipartLimits limits;
  limits.max_parts = 8;
  limits.max_part_header_bytes = 256;
  limits.max_name_bytes = 16;
  Recorder recorder;
  MultipartParser parser(kBoundary, limits, recorder);
  Run run;
  std::size_t start = 0;
  Status status = vigil::OkStatus();
  for (std::size_t end : ends) {
    status = parser.Feed(vigil::AsBytes(body.substr(start, end - start)));
    start = end;
    if (!status) break;
  }
  if (status) status = parser.Finish();
  if (status && recorder.open()) std::abort();  // success closes every part
  if (!status) run.error = status.error().code;
  std::size_t begins = 0;
  for (const auto& e : recorder.events) begins += e[0] == 'B';
  if (begins > limits.max_parts) std::abort();
  run.events = std::move(recorder.events);
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 3, size - 3);
  const std::size_t split = (std::size_t{data[0]} << 8 | data[1]) % (body.size() + 1);
  const std::size_t step = data[2] % 16 + 1;

  Run whole = Parse(body, {body.size()});
  Run halves = Parse(body, {split, body.size()});
  std::vector<std::size_t> ends;
  for (std::size_t end = step; end < body.size(); end += step) ends.push_back(end);
  ends.push_back(body.size());
  Run small = Parse(body, ends);
  if (halves.events != whole.events || halves.error != whole.error) std::abort();
  if (small.events != whole.events || small.error != whole.error) std::abort();

  auto boundary = vigil::http::BoundaryFromContentType(body);
  if (boundary && (boundary->empty() || boundary->size() > 70)) std::abort();
  return 0;
}
