#include "http/multipart.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::http {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

// Records events as text; consecutive data events are merged, since how data is split between
// calls depends on the chunks fed.
class Recorder : public MultipartVisitor {
 public:
  Status OnPartBegin(const PartHeaders& h) override {
    events.push_back("begin " + h.name + "|" + (h.filename ? *h.filename : "<none>") + "|" +
                     h.content_type);
    return OkStatus();
  }
  Status OnPartData(ByteSpan data) override {
    EXPECT_FALSE(data.empty());
    ++data_calls;
    if (events.empty() || !events.back().starts_with("data ")) events.push_back("data ");
    events.back() += AsChars(data);
    return OkStatus();
  }
  Status OnPartEnd() override {
    events.push_back("end");
    return OkStatus();
  }
  std::vector<std::string> events;
  std::size_t data_calls = 0;
};

struct Outcome {
  std::vector<std::string> events;
  Status status;  // the first failure of Feed, or Finish
};

// Feeds `body` cut at the given positions (ascending), then finishes.
Outcome ParseChunked(std::string_view boundary, std::string_view body,
                     const std::vector<std::size_t>& cuts, MultipartLimits limits = {}) {
  Recorder recorder;
  MultipartParser parser(boundary, limits, recorder);
  Outcome out;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(body.size());
  for (std::size_t end : ends) {
    out.status = parser.Feed(AsBytes(body.substr(start, end - start)));
    start = end;
    if (!out.status) break;
  }
  if (out.status) out.status = parser.Finish();
  out.events = std::move(recorder.events);
  return out;
}

Outcome Parse(std::string_view boundary, std::string_view body, MultipartLimits limits = {}) {
  return ParseChunked(boundary, body, {}, limits);
}

std::optional<Errc> CodeOf(const Status& s) {
  if (s) return std::nullopt;
  return s.error().code;
}

// Every two-chunk split, three-chunk splits around each position, and byte by byte give the
// outcome of one chunk.
void ExpectSameAtEverySplit(std::string_view boundary, std::string_view body,
                            MultipartLimits limits = {}) {
  Outcome whole = Parse(boundary, body, limits);
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    Outcome split = ParseChunked(boundary, body, {cut}, limits);
    EXPECT_EQ(split.events, whole.events) << "cut at " << cut;
    EXPECT_EQ(CodeOf(split.status), CodeOf(whole.status)) << "cut at " << cut;
    std::vector<std::size_t> three = {cut, std::min(body.size(), cut + 3)};
    split = ParseChunked(boundary, body, three, limits);
    EXPECT_EQ(split.events, whole.events) << "cuts at " << cut << "," << three[1];
    EXPECT_EQ(CodeOf(split.status), CodeOf(whole.status)) << "cuts at " << cut << "," << three[1];
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < body.size(); ++i) every.push_back(i);
  Outcome bytes = ParseChunked(boundary, body, every, limits);
  EXPECT_EQ(bytes.events, whole.events) << "byte by byte";
  EXPECT_EQ(CodeOf(bytes.status), CodeOf(whole.status)) << "byte by byte";
}

constexpr std::string_view kBoundary = "----VigilFormBoundary7MA4YWxk";

// As a browser sends the report form: two fields and a file.
constexpr std::string_view kForm =
    "------VigilFormBoundary7MA4YWxk\r\n"
    "Content-Disposition: form-data; name=\"subject\"\r\n"
    "\r\n"
    "Broken fire exits\r\n"
    "------VigilFormBoundary7MA4YWxk\r\n"
    "Content-Disposition: form-data; name=\"message\"\r\n"
    "\r\n"
    "Line one\r\nLine two\r\n"
    "------VigilFormBoundary7MA4YWxk\r\n"
    "Content-Disposition: form-data; name=\"attachment\"; filename=\"photo.jpg\"\r\n"
    "Content-Type: image/jpeg\r\n"
    "\r\n"
    "\xff\xd8\xff\xe0\r\n\x00\x01-binary\r"
    "\r\n"
    "------VigilFormBoundary7MA4YWxk--\r\n"sv;

const std::vector<std::string> kFormEvents = {
    "begin subject|<none>|text/plain",
    "data Broken fire exits",
    "end",
    "begin message|<none>|text/plain",
    "data Line one\r\nLine two",
    "end",
    "begin attachment|photo.jpg|image/jpeg",
    "data \xff\xd8\xff\xe0\r\n\x00\x01-binary\r"s,
    "end",
};

// One part, named "f", holding `data`.
std::string OnePart(std::string_view data) {
  return "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" + std::string(data) +
         "\r\n--b--\r\n";
}

TEST(MultipartParser, ParsesTwoFieldsAndAFile) {
  Outcome out = Parse(kBoundary, kForm);
  EXPECT_TRUE(out.status) << out.status.error().ToString();
  EXPECT_EQ(out.events, kFormEvents);
}

TEST(MultipartParser, EverySplitAndByteByByteGiveTheSameEvents) {
  ExpectSameAtEverySplit(kBoundary, kForm);
  EXPECT_EQ(ParseChunked(kBoundary, kForm, {10, 200, 201}).events, kFormEvents);
}

TEST(MultipartParser, DelimiterLikeTextInsideDataIsData) {
  const std::string_view tricky[] = {
      "a\r\n--bX",          // boundary followed by another bchar
      "--b\r\n",            // no CR LF before it
      "x--b--",             // a close delimiter without CR LF
      "\r\n--b x",          // transport padding not followed by CR LF
      "\r\n--b-x",          // one dash
      "\r\n--b\rx",         // CR without LF
      "\r\n--",             // a prefix of the delimiter
      "\r\n-",              // a shorter prefix
      "\r",                 // a lone CR just before the delimiter
      "\r\r\n\r\n-\r\n--",  // several false starts
      "\r\n--b\r\r\n--bb",  // CR of a false delimiter line, then another false one
  };
  for (std::string_view data : tricky) {
    std::string body = OnePart(data);
    Outcome out = Parse("b", body);
    EXPECT_TRUE(out.status) << testing::PrintToString(data);
    EXPECT_EQ(out.events, (std::vector<std::string>{"begin f|<none>|text/plain",
                                                    "data " + std::string(data), "end"}))
        << testing::PrintToString(data);
    ExpectSameAtEverySplit("b", body);
  }
}

TEST(MultipartParser, TransportPaddingAfterTheBoundaryIsAllowed) {
  std::string body =
      "--b \t\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n--b   \r\n"
      "Content-Disposition: form-data; name=g\r\n\r\nw\r\n--b--";
  Outcome out = Parse("b", body);
  EXPECT_TRUE(out.status);
  EXPECT_EQ(out.events, (std::vector<std::string>{"begin f|<none>|text/plain", "data v", "end",
                                                  "begin g|<none>|text/plain", "data w", "end"}));
  ExpectSameAtEverySplit("b", body);

  // Longer padding than the parser holds back does not make a delimiter line: it is data.
  std::string padding(MultipartParser::kMaxTransportPadding + 1, ' ');
  out = Parse(
      "b", "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n--b" + padding + "\r\n--b--");
  EXPECT_TRUE(out.status);
  EXPECT_EQ(out.events, (std::vector<std::string>{"begin f|<none>|text/plain",
                                                  "data v\r\n--b" + padding, "end"}));
}

TEST(MultipartParser, PreambleAndEpilogueAreIgnored) {
  std::string body =
      "This is a preamble.\r\n--b at the start of a line but not alone\r\n"
      "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n--b--\r\nepilogue\r\n--b\r\n";
  Outcome out = Parse("b", body);
  EXPECT_TRUE(out.status);
  EXPECT_EQ(out.events, (std::vector<std::string>{"begin f|<none>|text/plain", "data v", "end"}));
  ExpectSameAtEverySplit("b", body);
}

TEST(MultipartParser, EmptyPartsAndEmptyForm) {
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n\r\n--b--";
  Outcome out = Parse("b", body);
  EXPECT_TRUE(out.status);
  EXPECT_EQ(out.events, (std::vector<std::string>{"begin empty|<none>|text/plain", "end",
                                                  "begin file||application/octet-stream", "end"}));
  ExpectSameAtEverySplit("b", body);

  out = Parse("b", "--b--\r\n");
  EXPECT_TRUE(out.status);
  EXPECT_TRUE(out.events.empty());
}

TEST(MultipartParser, MissingCloseDelimiterFailsAtFinish) {
  const std::string_view bodies[] = {
      "",
      "no delimiter at all",
      "--b\r\n",
      "--b\r\nContent-Disposition: form-data; name=f\r\n",
      "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nvalue",
      "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nvalue\r\n--b",
      "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nvalue\r\n--b-",
      "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nvalue\r\n--b\r\n",
  };
  for (std::string_view body : bodies) {
    Recorder recorder;
    MultipartParser parser("b", {}, recorder);
    EXPECT_TRUE(parser.Feed(AsBytes(body))) << testing::PrintToString(body);
    Status finished = parser.Finish();
    EXPECT_EQ(CodeOf(finished), Errc::kInvalidArgument) << testing::PrintToString(body);
    EXPECT_EQ(CodeOf(parser.Feed(AsBytes("\r\n--b--"))), Errc::kInvalidArgument);
    ExpectSameAtEverySplit("b", body);
  }
}

std::string Parts(std::size_t n) {
  std::string body;
  for (std::size_t i = 0; i < n; ++i)
    body += "--b\r\nContent-Disposition: form-data; name=f" + std::to_string(i) + "\r\n\r\nv\r\n";
  return body + "--b--";
}

TEST(MultipartParser, TooManyPartsIsResourceExhausted) {
  MultipartLimits limits;
  limits.max_parts = 3;
  EXPECT_TRUE(Parse("b", Parts(3), limits).status);
  Outcome out = Parse("b", Parts(4), limits);
  EXPECT_EQ(CodeOf(out.status), Errc::kResourceExhausted);
  EXPECT_EQ(std::count(out.events.begin(), out.events.end(), "end"), 3);
  EXPECT_EQ(CodeOf(Parse("b", Parts(65)).status), Errc::kResourceExhausted);  // default 64
  EXPECT_TRUE(Parse("b", Parts(64)).status);
  ExpectSameAtEverySplit("b", Parts(4), limits);
}

TEST(MultipartParser, HeadersOverTheLimitAreResourceExhausted) {
  // The headers of a part are every byte after its delimiter line through the empty line.
  auto body_with_headers_of = [](std::size_t size) {
    std::string line = "Content-Disposition: form-data; name=f\r\nX-Pad: ";
    std::string headers = line + std::string(size - line.size() - 4, 'p') + "\r\n\r\n";
    EXPECT_EQ(headers.size(), size);
    return "--b\r\n" + headers + "v\r\n--b--";
  };
  EXPECT_TRUE(Parse("b", body_with_headers_of(4096)).status);
  EXPECT_EQ(CodeOf(Parse("b", body_with_headers_of(4097)).status), Errc::kResourceExhausted);
  // One endless line, never terminated: stopped at the limit, not buffered.
  Recorder recorder;
  MultipartParser parser("b", {}, recorder);
  EXPECT_TRUE(parser.Feed(AsBytes("--b\r\nX: ")));
  Status status = OkStatus();
  for (int i = 0; i < 100 && status; ++i) status = parser.Feed(AsBytes(std::string(100, 'x')));
  EXPECT_EQ(CodeOf(status), Errc::kResourceExhausted);
}

TEST(MultipartParser, NameLongerThanTheLimitIsResourceExhausted) {
  std::string name(257, 'n');
  EXPECT_EQ(CodeOf(Parse("b", "--b\r\nContent-Disposition: form-data; name=" + name +
                                  "\r\n\r\nv\r\n--b--")
                       .status),
            Errc::kResourceExhausted);
  name.pop_back();
  EXPECT_TRUE(
      Parse("b", "--b\r\nContent-Disposition: form-data; name=" + name + "\r\n\r\nv\r\n--b--")
          .status);
}

TEST(MultipartParser, ReadsHeaderParameters) {
  struct Case {
    std::string_view headers;
    std::string_view begin;
  };
  const Case cases[] = {
      {"Content-Disposition: form-data; name=\"a;b\"", "begin a;b|<none>|text/plain"},
      {"content-disposition:FORM-DATA;NAME=x;FileName=\"C:\\dir\\r.txt\"",
       "begin x|C:\\dir\\r.txt|text/plain"},
      {"Content-Disposition: form-data; name=\"x\"; filename=\"%22q%22.txt\"; size=3",
       "begin x|%22q%22.txt|text/plain"},
      {"Content-Disposition:\tform-data ; name = \"x\"", ""},
      {"Content-Disposition: form-data; name=x;", "begin x|<none>|text/plain"},
      {"X-Other: ignored\r\nContent-Disposition: form-data; name=\"\xc3\xa9\"\r\n"
       "CONTENT-TYPE:  text/plain; charset=utf-8 ",
       "begin \xc3\xa9|<none>|text/plain; charset=utf-8"},
  };
  for (const Case& c : cases) {
    Outcome out = Parse("b", "--b\r\n" + std::string(c.headers) + "\r\n\r\nv\r\n--b--");
    if (c.begin.empty()) {
      EXPECT_EQ(CodeOf(out.status), Errc::kInvalidArgument) << c.headers;
    } else {
      EXPECT_TRUE(out.status) << c.headers;
      ASSERT_FALSE(out.events.empty()) << c.headers;
      EXPECT_EQ(out.events[0], c.begin);
    }
  }
}

TEST(MultipartParser, RejectsMalformedPartHeaders) {
  const std::string_view bad[] = {
      "",                                                // no Content-Disposition
      "Content-Type: text/plain",                        // no Content-Disposition
      "Content-Disposition: attachment; name=f",         // not form-data
      "Content-Disposition: form-data",                  // no name
      "Content-Disposition: form-data; filename=\"x\"",  // no name
      "Content-Disposition: form-data; name=\"\"",       // empty name
      "Content-Disposition: form-data; name=f; name=g",  // repeated parameter
      "Content-Disposition: form-data; name=\"f",        // unterminated
      "Content-Disposition: form-data; name=",           // empty value
      "Content-Disposition: form-data; name=f g",        // junk after a value
      "Content-Disposition: form-data; name=f\r\nContent-Disposition: form-data; name=g",
      "Content-Disposition: form-data; name=f\r\nContent-Type: a/b\r\nContent-Type: a/b",
      "Content-Disposition: form-data; name=f\r\nContent-Type:",
      "Content-Disposition: form-data; name=f; filename*=UTF-8''%e2%82%ac.txt",
      "Content-Disposition: form-data; name*=UTF-8''f",
      "Content-Disposition: form-data; name=f\r\n folded",   // obsolete line folding
      "Content-Disposition : form-data; name=f",             // space before the colon
      "Content-Disposition form-data; name=f",               // no colon
      "Content-Disposition: form-data; name=f\nX: y",        // LF without CR
      "Content-Disposition: form-data; name=f\rX: y",        // CR without LF
      "Content-Disposition: form-data; name=\"f\x01\"",      // control character
      "Content-Disposition: form-data; name=f\r\nX: a\x7f",  // DEL
  };
  for (std::string_view headers : bad) {
    std::string body = "--b\r\n" + std::string(headers) + "\r\n\r\nv\r\n--b--";
    Outcome out = Parse("b", body);
    EXPECT_EQ(CodeOf(out.status), Errc::kInvalidArgument) << testing::PrintToString(headers);
    EXPECT_TRUE(out.events.empty()) << testing::PrintToString(headers);
    ExpectSameAtEverySplit("b", body);
  }
}

TEST(MultipartParser, VisitorErrorStopsParsingAndSticks) {
  class Capped : public Recorder {
   public:
    Status OnPartData(ByteSpan data) override {
      total += data.size();
      if (total > 4) return MakeError(Errc::kResourceExhausted, "field too long");
      return Recorder::OnPartData(data);
    }
    std::size_t total = 0;
  };
  Capped visitor;
  MultipartParser parser("b", {}, visitor);
  Status status = parser.Feed(AsBytes(OnePart("0123456789")));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::kResourceExhausted);
  EXPECT_EQ(status.error().detail, "field too long");
  EXPECT_EQ(CodeOf(parser.Feed(AsBytes("more"))), Errc::kResourceExhausted);
  EXPECT_EQ(CodeOf(parser.Finish()), Errc::kResourceExhausted);
  EXPECT_EQ(visitor.events, (std::vector<std::string>{"begin f|<none>|text/plain"}));
}

TEST(MultipartParser, LargePartPassesThroughWithoutCopies) {
  // A part of any size costs no memory (threat model T8): each span handed over lies inside
  // the chunk being fed.
  class Counter : public MultipartVisitor {
   public:
    Status OnPartBegin(const PartHeaders&) override { return OkStatus(); }
    Status OnPartData(ByteSpan data) override {
      EXPECT_TRUE(data.data() >= chunk.data() &&
                  data.data() + data.size() <= chunk.data() + chunk.size());
      total += data.size();
      ++calls;
      return OkStatus();
    }
    Status OnPartEnd() override { return OkStatus(); }
    ByteSpan chunk;
    std::uint64_t total = 0;
    std::size_t calls = 0;
  };
  Counter counter;
  MultipartParser parser("b", {}, counter);
  std::string head = "--b\r\nContent-Disposition: form-data; name=f; filename=big\r\n\r\n";
  counter.chunk = AsBytes(head);
  ASSERT_TRUE(parser.Feed(counter.chunk));
  std::string chunk(1 << 20, 'x');
  for (std::size_t i = 0; i < chunk.size(); i += 1000) chunk[i] = '\r';  // CRs to rescan
  for (int i = 0; i < 64; ++i) {
    counter.chunk = AsBytes(chunk);
    ASSERT_TRUE(parser.Feed(counter.chunk));
  }
  std::string tail = "\r\n--b--";
  counter.chunk = AsBytes(tail);
  ASSERT_TRUE(parser.Feed(counter.chunk));
  EXPECT_TRUE(parser.Finish());
  EXPECT_EQ(counter.total, 64u << 20);
  EXPECT_EQ(counter.calls, 64u);
}

TEST(BoundaryFromContentType, AcceptsFormDataWithABoundary) {
  struct Case {
    std::string_view content_type;
    std::string_view boundary;
  };
  const Case cases[] = {
      {"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
       "----WebKitFormBoundary7MA4YWxkTrZu0gW"},
      {"Multipart/Form-Data; BOUNDARY=abc", "abc"},
      {"multipart/form-data;boundary=\"a b:c/d=e?f(g)h,i'j+k_l.m\"", "a b:c/d=e?f(g)h,i'j+k_l.m"},
      {"multipart/form-data; charset=utf-8; boundary=\"x\"; other=\"q\\\"q\"", "x"},
      {"  multipart/form-data ; boundary=x ;", "x"},
      {"multipart/form-data; boundary=\"a\\b\"", "ab"},
  };
  for (const Case& c : cases) {
    auto boundary = BoundaryFromContentType(c.content_type);
    ASSERT_TRUE(boundary) << c.content_type;
    EXPECT_EQ(*boundary, c.boundary);
  }
  EXPECT_EQ(*BoundaryFromContentType("multipart/form-data; boundary=" + std::string(70, 'z')),
            std::string(70, 'z'));
}

TEST(BoundaryFromContentType, RejectsEverythingElse) {
  const std::string bad[] = {
      "",
      "multipart/form-data",
      "multipart/form-data;",
      "multipart/mixed; boundary=x",
      "application/x-www-form-urlencoded",
      "multipart/form-data-x; boundary=x",
      "multipart /form-data; boundary=x",
      "multipart/form-data; boundary=",
      "multipart/form-data; boundary=\"\"",
      "multipart/form-data; boundary=x; boundary=x",
      "multipart/form-data; boundary=x; BOUNDARY=y",
      "multipart/form-data; boundary = x",
      "multipart/form-data; boundary=a:b",           // needs quotes
      "multipart/form-data; boundary=\"a*b\"",       // not a bchar
      "multipart/form-data; boundary=\"a\tb\"",      // not a bchar
      "multipart/form-data; boundary=\"ab \"",       // ends with a space
      "multipart/form-data; boundary=\"ab",          // unterminated
      "multipart/form-data; boundary=\"\xc3\xa9\"",  // not ASCII
      "multipart/form-data; boundary=" + std::string(71, 'z'),
      "multipart/form-data; boundary=x y",
      "multipart/form-data boundary=x",
      "multipart/form-data; =x; boundary=y",
      std::string("multipart/form-data; boundary=\"a\0b\"", 35),
  };
  for (const std::string& content_type : bad) {
    auto boundary = BoundaryFromContentType(content_type);
    ASSERT_FALSE(boundary) << testing::PrintToString(content_type);
    EXPECT_EQ(boundary.error().code, Errc::kInvalidArgument);
  }
}

TEST(BoundaryFromContentType, QuotedBoundaryDrivesTheParser) {
  auto boundary = BoundaryFromContentType("multipart/form-data; boundary=\"my boundary:1\"");
  ASSERT_TRUE(boundary);
  std::string body =
      "--my boundary:1\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n"
      "--my boundary:1--\r\n";
  Outcome out = Parse(*boundary, body);
  EXPECT_TRUE(out.status);
  EXPECT_EQ(out.events, (std::vector<std::string>{"begin f|<none>|text/plain", "data v", "end"}));
  ExpectSameAtEverySplit(*boundary, body);
}

}  // namespace
}  // namespace vigil::http
