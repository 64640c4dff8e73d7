package io.strata.app.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Go's {@code filepath.Match} and {@code Glob}, checked with cases of Go's own match tests. */
class GoGlobTest {
  private static final Object BAD = new Object();

  @Test
  void matchAsGo() {
    Object[][] cases = {
        {"abc", "abc", true}, {"*", "abc", true}, {"*c", "abc", true}, {"a*", "a", true}, {"a*", "abc", true},
        {"a*", "ab/c", false}, {"a*/b", "abc/b", true}, {"a*/b", "a/c/b", false},
        {"a*b*c*d*e*/f", "axbxcxdxe/f", true}, {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true},
        {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false}, {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false},
        {"a*b?c*x", "abxbbxdbxebxczzx", true}, {"a*b?c*x", "abxbbxdbxebxczzy", false},
        {"ab[c]", "abc", true}, {"ab[b-d]", "abc", true}, {"ab[e-g]", "abc", false}, {"ab[^c]", "abc", false},
        {"ab[^b-d]", "abc", false}, {"ab[^e-g]", "abc", true}, {"a\\*b", "a*b", true}, {"a\\*b", "ab", false},
        {"a?b", "a☺b", true}, {"a[^a]b", "a☺b", true}, {"a???b", "a☺b", false}, {"[a-ζ]*", "α", true},
        {"*[a-ζ]", "A", false}, {"a?b", "a/b", false}, {"a*b", "a/b", false}, {"[\\]a]", "]", true},
        {"[\\-]", "-", true}, {"[x\\-]", "x", true}, {"[x\\-]", "-", true}, {"[x\\-]", "z", false},
        {"[\\-x]", "x", true}, {"[\\-x]", "a", false}, {"*x", "xxx", true}, {"*.yml", ".hidden.yml", true},
        {"[]a]", "]", BAD}, {"[-]", "-", BAD}, {"[x-]", "x", BAD}, {"[-x]", "x", BAD}, {"\\", "a", BAD},
        {"[a-b-c]", "a", BAD}, {"[", "a", BAD}, {"[^", "a", BAD}, {"[^bc", "a", BAD}, {"a[", "a", BAD},
        {"a[", "ab", BAD}, {"a[", "x", BAD}, {"a/b[", "x", BAD},
    };
    for (Object[] c : cases) {
      String pattern = (String) c[0];
      String name = (String) c[1];
      if (c[2] == BAD) {
        assertThrows(GoGlob.BadPatternException.class, () -> GoGlob.match(pattern, name), pattern + " is malformed");
      } else {
        assertEquals(c[2], GoGlob.match(pattern, name), "Match(" + pattern + ", " + name + ")");
      }
    }
  }

  @Test
  void globListsMatchesSortedAndAPlainPathOnlyWhenItExists(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("rules/sub"));
    for (String f : List.of("rules/b.yml", "rules/a.yml", "rules/c.yaml", "rules/sub/d.yml", "other/e.yml")) {
      Files.createDirectories(dir.resolve(f).getParent());
      Files.writeString(dir.resolve(f), "groups: []\n");
    }
    String d = dir.toString();
    assertEquals(List.of(d + "/rules/a.yml", d + "/rules/b.yml"), GoGlob.glob(d + "/rules/*.yml"));
    assertEquals(List.of(d + "/rules/a.yml", d + "/rules/b.yml", d + "/rules/c.yaml"), GoGlob.glob(d + "/rules/*.y*ml"));
    assertEquals(List.of(d + "/other/e.yml", d + "/rules/a.yml", d + "/rules/b.yml"), GoGlob.glob(d + "/*/[a-e].yml"));
    assertEquals(List.of(d + "/rules/a.yml"), GoGlob.glob(d + "/rules/a.yml"));
    assertEquals(List.of(), GoGlob.glob(d + "/rules/missing.yml"), "no meta characters and no file: no match, no error");
    assertEquals(List.of(), GoGlob.glob(d + "/nowhere/*.yml"));
    assertThrows(GoGlob.BadPatternException.class, () -> GoGlob.glob(d + "/rules/[.yml"));
  }
}
