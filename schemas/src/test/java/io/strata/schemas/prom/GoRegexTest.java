package io.strata.schemas.prom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.LabelMatcher;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GoRegexTest {
  @Test
  void catastrophicPatternAgainstA100KbValueIsQuick() {
    // java.util.regex backtracks exponentially here (never ends); RE2 is linear in the text
    String value = "x".repeat(100_000);
    LabelMatcher m = LabelMatcher.of(LabelMatcher.Type.RE, "s", "(.*.*)*y");
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      assertFalse(m.matches(value));
      assertTrue(LabelMatcher.of(LabelMatcher.Type.RE, "s", "(.*.*)*x").matches(value));
      assertTrue(LabelMatcher.of(LabelMatcher.Type.NRE, "s", "(x+x+)+y").matches(value));
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "(?=x)      | error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
      "(?!x)      | error parsing regexp: invalid or unsupported Perl syntax: `(?!`",
      "(?<=x)y    | error parsing regexp: invalid or unsupported Perl syntax: `(?<`",
      "(a)\\1     | error parsing regexp: invalid escape sequence: `\\1`",
      "a++        | error parsing regexp: invalid nested repetition operator: `++`",
      "(?<n>x)    | error parsing regexp: invalid or unsupported Perl syntax: `(?<`",
      "(          | error parsing regexp: missing closing ): `^(?:()$`",
      ")          | error parsing regexp: unexpected ): `^(?:))$`",
      "[z-a]      | error parsing regexp: invalid character class range: `z-a`",
      "x{1001}    | error parsing regexp: invalid repeat count: `{1001}`",
      "\\Z        | error parsing regexp: invalid escape sequence: `\\Z`",
  })
  void refusesWhatRe2RefusesWithGosMessage(String re, String message) {
    GoRegex.SyntaxException e = assertThrows(GoRegex.SyntaxException.class, () -> GoRegex.anchored(re));
    assertEquals(message, e.getMessage());
    assertThrows(GoRegex.SyntaxException.class, () -> LabelMatcher.of(LabelMatcher.Type.RE, "a", re));
  }

  @Test
  void anchoredMatchesTheWholeValueAndDotStopsAtNewline() {
    GoRegex r = GoRegex.anchored("a|b.*");
    assertTrue(r.matches("a"));
    assertTrue(r.matches("bcd"));
    assertFalse(r.matches("xa"));
    assertFalse(r.matches("ab"));
    assertFalse(r.matches("b\nc"), "Go's . does not match a newline without (?s)");
    assertTrue(GoRegex.anchored("(?s)b.*").matches("b\nc"));
    assertTrue(GoRegex.anchored("[[:alpha:]]+\\pL").matches("abcé"), "POSIX classes and Unicode classes are RE2 syntax");
    assertTrue(GoRegex.anchored("[(?<]+\\(\\?<\\Q(?<\\E").matches("<?((?<(?<"), "(?< escaped or in a class is text");
  }

  @Test
  void matchExpandsGroupsByNumberAndName() {
    GoRegex r = GoRegex.anchored("(?P<host>[^:]+):(\\d+)");
    assertEquals("web:80/web", GoExpand.expand("$host:${2}/$1", r.match("web:80")));
    assertNull(r.match("web"));
  }

  @Test
  void aGroupNameUsedTwiceIsAcceptedAndExpandsToTheLeftmostAsInGo() {
    GoRegex r = GoRegex.anchored("(?P<n>a)(?P<n>b)|(?P<n>c)");
    assertEquals("a", GoExpand.expand("$n", r.match("ab")));
    assertEquals("", GoExpand.expand("$n", r.match("c")));
    assertTrue(GoRegex.anchored("[(?P<n>](?P<n>x)").matches("nx"));
  }
}
