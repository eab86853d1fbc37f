#include "core/utf8.h"

#include <gtest/gtest.h>

namespace mxn {
namespace {

TEST(Utf8Test, AcceptsWellFormedAndRejectsMalformedSequences) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xAC"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));                  // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));              // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));          // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));      // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));                  // stray continuation
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xFFijklmnop"));  // bad byte after the fast path
}

TEST(Utf8Test, QuoteCutsLongValuesOnACharacterBoundary) {
  EXPECT_EQ(quote("abc"), "'abc'");
  EXPECT_EQ(quote(std::string(10, 'x'), 4), "'xxxx...'");
  EXPECT_EQ(quote("ab\xC3\xA9", 3), "'ab...'");  // never half of the two-byte e-acute
  EXPECT_EQ(quote("a\xFF"), "(invalid UTF-8)");
}

}  // namespace
}  // namespace mxn
