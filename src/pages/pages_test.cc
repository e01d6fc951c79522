#include "pages/pages.h"

#include <gtest/gtest.h>

namespace vigil::pages {
namespace {

TEST(Catalogues, EveryLanguageHasEveryKey) {
  auto problems = CatalogueProblems();
  for (const auto& p : problems) ADD_FAILURE() << p;
  EXPECT_EQ(Languages().size(), 4u);
}

TEST(PickLanguage, PrefersTheQueryThenTheBrowserThenEnglish) {
  EXPECT_EQ(PickLanguage("ar", "fr"), "ar");
  EXPECT_EQ(PickLanguage("xx", "de-DE, es-MX;q=0.9, en;q=0.8"), "es");
  EXPECT_EQ(PickLanguage("", "FR-ca"), "fr");
  EXPECT_EQ(PickLanguage("", "de, it"), "en");
  EXPECT_EQ(PickLanguage("", ""), "en");
  EXPECT_EQ(PickLanguage("../etc", ""), "en");
}

TEST(Message, FillsArguments) {
  EXPECT_EQ(Message("en", "error_code", {{"code", "storage_full"}}), "Error code: storage_full");
  EXPECT_EQ(Message("fr", "error_code", {{"code", "x"}}), "Code d'erreur : x");
  EXPECT_EQ(Message("en", "no_such_key"), "no_such_key");
}

TEST(Render, ArabicIsRightToLeftAndValuesAreEscaped) {
  auto html =
      Render("error", "ar", "/nojs/report",
             {{"message", "<script>alert(1)</script>"}, {"code", "x\"y"}, {"code_text", ""}});
  ASSERT_TRUE(html.has_value()) << html.error().ToString();
  EXPECT_NE(html->find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_EQ(html->find("<script>"), std::string::npos);
  EXPECT_NE(html->find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html->find("data-error-code=\"x&quot;y\""), std::string::npos);
  EXPECT_NE(html->find(Message("ar", "error_title")), std::string::npos);
  // The language links, the current one marked.
  EXPECT_NE(html->find("href=\"/nojs/report?lang=fr\""), std::string::npos);
  EXPECT_NE(html->find("lang=\"ar\" hreflang=\"ar\" aria-current=\"page\""), std::string::npos);
}

TEST(Render, TheFormInEveryLanguage) {
  for (std::string_view lang : Languages()) {
    auto html = Render("report_form", lang, "/nojs/report", {});
    ASSERT_TRUE(html.has_value()) << lang;
    EXPECT_NE(html->find("enctype=\"multipart/form-data\""), std::string::npos);
    EXPECT_NE(html->find(Message(lang, "submit")), std::string::npos) << lang;
    EXPECT_NE(html->find(std::string("dir=\"") + (IsRightToLeft(lang) ? "rtl" : "ltr")),
              std::string::npos);
    EXPECT_EQ(html->find("<script"), std::string::npos);
  }
  EXPECT_EQ(Render("nope", "en", "/", {}).error().code, Errc::kNotFound);
  EXPECT_NE(Stylesheet().find("font-family"), std::string_view::npos);
}

TEST(Render, TheFormShowsWhoRunsTheInstanceOnlyWhenSet) {
  auto plain = Render("report_form", "en", "/nojs/report",
                      {{"organisation_name", ""}, {"reporter_contact", ""}});
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->find("class=\"organisation\""), std::string::npos);
  auto shown =
      Render("report_form", "ar", "/nojs/report",
             {{"organisation_name", "<b>Témoins</b>"}, {"reporter_contact", "Signal 1\nmail"}});
  ASSERT_TRUE(shown.has_value());
  EXPECT_NE(
      shown->find("<p dir=\"auto\" class=\"organisation-name\">&lt;b&gt;Témoins&lt;/b&gt;</p>"),
      std::string::npos)
      << *shown;
  EXPECT_NE(shown->find(Message("ar", "settings_landing_run_by")), std::string::npos);
  EXPECT_NE(shown->find(Message("ar", "settings_landing_contact")), std::string::npos);
  EXPECT_NE(shown->find("Signal 1\nmail"), std::string::npos);
  auto contact_only = Render("report_form", "en", "/nojs/report",
                             {{"organisation_name", ""}, {"reporter_contact", "Signal 1"}});
  ASSERT_TRUE(contact_only.has_value());
  EXPECT_EQ(contact_only->find("organisation-name"), std::string::npos);
  EXPECT_NE(contact_only->find("<p dir=\"auto\" class=\"contact\">Signal 1</p>"),
            std::string::npos);
}

}  // namespace
}  // namespace vigil::pages
