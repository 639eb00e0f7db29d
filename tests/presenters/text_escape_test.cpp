// escape_text (src/presenters/text_escape.h): every class of hidden character is escaped
// visibly, and nothing else is touched. The expected strings are written from the classes the
// header lists (C0, DEL, C1, U+2028/2029, bidi formatting, bytes that are not UTF-8), not from
// program output.
#include "presenters/text_escape.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <string>

#include "presenters/html_escape.h"
#include "presenters/json_writer.h"

namespace switchpoint {
namespace {

TEST(TextEscape, PrintableAsciiAndOtherUtf8AreCopied) {
  const std::string plain = "P-001 (Müller) ≥ 2 cm; C:\\data\\a.csv é 😀";
  EXPECT_EQ(escape_text(plain), plain);
  EXPECT_FALSE(needs_text_escape(plain));
  EXPECT_EQ(escape_text(""), "");
  EXPECT_EQ(escape_text(" ~"), " ~");  // 0x20 and 0x7e: the printable edges
}

TEST(TextEscape, LineBreaksAndTabsAreNamed) {
  EXPECT_EQ(escape_text("P1\nCHECKPOINT  SWITCH"), "P1\\nCHECKPOINT  SWITCH");
  EXPECT_EQ(escape_text("a\r\nb"), "a\\r\\nb");
  EXPECT_EQ(escape_text("a\tb"), "a\\tb");
}

TEST(TextEscape, EveryOtherC0ControlIsHex) {
  for (int c = 0; c < 0x20; ++c) {
    if (c == '\n' || c == '\r' || c == '\t') continue;
    const std::string in = std::string("x") + static_cast<char>(c) + "y";
    char want[16];
    std::snprintf(want, sizeof want, "x\\x%02xy", c);
    EXPECT_EQ(escape_text(in), want) << c;
    EXPECT_TRUE(needs_text_escape(in)) << c;
  }
  EXPECT_EQ(escape_text("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(escape_text(std::string("a\0b", 3)), "a\\x00b");
}

TEST(TextEscape, DeleteIsHex) {
  EXPECT_EQ(escape_text("a\x7f"
                        "b"),
            "a\\x7fb");
}

TEST(TextEscape, C1ControlsAreEscapedAndTheirNeighboursAreNot) {
  EXPECT_EQ(escape_text("a\xC2\x80"
                        "b"),
            "a\\u0080b");  // U+0080, first C1
  EXPECT_EQ(escape_text("a\xC2\x85"
                        "b"),
            "a\\u0085b");  // NEL, a line break
  EXPECT_EQ(escape_text("a\xC2\x9B"
                        "b"),
            "a\\u009bb");  // CSI
  EXPECT_EQ(escape_text("a\xC2\x9F"
                        "b"),
            "a\\u009fb");  // U+009F, last C1
  EXPECT_EQ(escape_text("a\xC2\xA0"
                        "b"),
            "a\xC2\xA0"
            "b");  // U+00A0 no-break space: printable
}

TEST(TextEscape, LineAndParagraphSeparators) {
  EXPECT_EQ(escape_text("a\xE2\x80\xA8"
                        "b"),
            "a\\u2028b");
  EXPECT_EQ(escape_text("a\xE2\x80\xA9"
                        "b"),
            "a\\u2029b");
  EXPECT_EQ(escape_text("a\xE2\x80\xA7"
                        "b"),
            "a\xE2\x80\xA7"
            "b");  // U+2027 hyphenation point: kept
}

TEST(TextEscape, BidiFormattingCharacters) {
  // U+202A–U+202E: LRE RLE PDF LRO RLO; U+2066–U+2069: LRI RLI FSI PDI; marks LRM RLM ALM.
  const struct {
    const char* in;
    const char* want;
  } cases[] = {{"\xE2\x80\xAA", "\\u202a"}, {"\xE2\x80\xAB", "\\u202b"}, {"\xE2\x80\xAC", "\\u202c"},
               {"\xE2\x80\xAD", "\\u202d"}, {"\xE2\x80\xAE", "\\u202e"}, {"\xE2\x81\xA6", "\\u2066"},
               {"\xE2\x81\xA7", "\\u2067"}, {"\xE2\x81\xA8", "\\u2068"}, {"\xE2\x81\xA9", "\\u2069"},
               {"\xE2\x80\x8E", "\\u200e"}, {"\xE2\x80\x8F", "\\u200f"}, {"\xD8\x9C", "\\u061c"}};
  for (const auto& c : cases) EXPECT_EQ(escape_text(std::string("id") + c.in + "x"), std::string("id") + c.want + "x");
  // The neighbours are ordinary characters.
  EXPECT_EQ(escape_text("\xE2\x80\xAF"), "\xE2\x80\xAF");  // U+202F narrow no-break space
  EXPECT_EQ(escape_text("\xE2\x81\xA5"), "\xE2\x81\xA5");  // U+2065 (unassigned, not formatting)
  EXPECT_EQ(escape_text("\xE2\x81\xAA"), "\xE2\x81\xAA");  // U+206A (deprecated, not bidi)
}

TEST(TextEscape, BytesThatAreNotUtf8AreHex) {
  EXPECT_EQ(escape_text("a\xFF"
                        "b"),
            "a\\xffb");
  EXPECT_EQ(escape_text("\xC3"), "\\xc3");                             // truncated sequence
  EXPECT_EQ(escape_text("\xC0\xAF"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(escape_text("\xED\xA0\x80"), "\\xed\\xa0\\x80");           // a surrogate
  EXPECT_EQ(escape_text("\xF4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST(TextEscape, AForgedDecisionLineStaysOnOneLine) {
  const std::string id = "P1\nCHECKPOINT  verdict SWITCH\x1b[2K\xE2\x80\xAE";
  const std::string out = escape_text(id);
  EXPECT_EQ(out.find('\n'), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_EQ(out, "P1\\nCHECKPOINT  verdict SWITCH\\x1b[2K\\u202e");
}

}  // namespace
}  // namespace switchpoint

// The JSON and HTML presenters: the same characters never appear raw; JSON keeps the exact string.
namespace switchpoint {
namespace {

TEST(JsonEscape, ControlsC1SeparatorsAndBidiAreEscapedAndTheValueIsExact) {
  const std::string id =
      std::string("a\n\x1b\x7f", 4) + "\xC2\x85\xE2\x80\xA8\xE2\x80\xAE\xE2\x81\xA6\xE2\x80\x8F\xD8\x9C" + "é≥";
  JsonWriter w(false);
  w.begin_object();
  w.field("id", id);
  w.end_object();
  EXPECT_EQ(w.str(), "{\"id\":\"a\\n\\u001b\\u007f\\u0085\\u2028\\u202e\\u2066\\u200f\\u061cé≥\"}");
  simdjson::dom::parser p;
  simdjson::padded_string text(w.str());
  std::string_view back;
  ASSERT_EQ(p.parse(text)["id"].get(back), simdjson::SUCCESS);
  EXPECT_EQ(back, id);  // RFC 8259: \uXXXX is the same character
}

TEST(HtmlEscape, BidiAndC1AreShownAndC0IsReplaced) {
  EXPECT_EQ(html::escape("P1\xE2\x80\xAE<b>"), "P1\\u202e&lt;b&gt;");
  EXPECT_EQ(html::escape("P1\xC2\x9B"), "P1\\u009b");
  EXPECT_EQ(html::escape("P1\x1b"), "P1\xEF\xBF\xBD");
  EXPECT_EQ(html::escape("Müller ≥ é"), "Müller ≥ é");
  // A stray lead byte before markup: the markup is still escaped.
  EXPECT_EQ(html::escape("\xE2<s>"), "\xE2&lt;s&gt;");
  EXPECT_EQ(html::escape("\xC2<"), "\xC2&lt;");
  EXPECT_EQ(html::escape("\xE2\x80<"), "\xE2\x80&lt;");
}

}  // namespace
}  // namespace switchpoint
