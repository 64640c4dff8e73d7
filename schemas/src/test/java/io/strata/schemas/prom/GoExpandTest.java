package io.strata.schemas.prom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's Regexp.ExpandString over a match of "ab" by {@code (?P<first>a)(b)} (group 2 named second, 3 unmatched). */
class GoExpandTest {
  private static final String[] GROUPS = {"ab", "a", "b", null};
  private static final Map<String, Integer> NAMES = Map.of("first", 1, "last", 2, "unmatched", 3);
  private static final GoExpand.Match MATCH = new GoExpand.Match() {
    @Override
    public int groupNumber(String name) {
      return NAMES.getOrDefault(name, -1);
    }

    @Override
    public void appendGroup(int group, StringBuilder out) {
      if (group < GROUPS.length && GROUPS[group] != null) {
        out.append(GROUPS[group]);
      }
    }
  };

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "$1-${2}|a-b",
      "$0|ab",
      "x${first}y$last|xayb",
      "$1x|''",  // the longest name: group "1x", which does not exist
      "$01|''",  // a leading zero makes a name, not a number
      "$10|''",  // group 10, not group 1 then 0
      "$3|''",  // a group that took no part
      "$unmatched$9|''",
      "${é}|''",  // names are Unicode letters and digits
      "$$1|$1",
      "$|$",
      "a$-b|a$-b",
      "${1|${1",  // no closing brace: the dollar is text
      "${}|${}",
      "$${1}$1|${1}a",
  })
  void expandsAsGo(String template, String expected) {
    assertEquals(expected, GoExpand.expand(template, MATCH));
  }

  @Test
  void aTemplateWithoutDollarIsReturnedAsIs() {
    String t = "plain";
    assertSame(t, GoExpand.expand(t, MATCH));
  }
}
