package io.strata.app.up;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Go's {@code path/filepath.Glob} and {@code Match} (Unix), which Prometheus applies to {@code rule_files}:
 * {@code *} any run of characters but '/', {@code ?} one character but '/', {@code [a-z]} / {@code [^a-z]}
 * classes, {@code \} escapes; no {@code **} and no braces. Matches come sorted by name within each directory; a
 * pattern without meta characters gives the path only when it exists; unreadable directories give no match.
 * Characters are Java chars (UTF-16 units), which differ from Go's runes only outside the BMP.
 */
final class GoGlob {
  private GoGlob() {}

  /** Go's {@code filepath.ErrBadPattern}. */
  static final class BadPatternException extends IllegalArgumentException {
    BadPatternException() {
      super("syntax error in pattern");
    }
  }

  /** The paths matching {@code pattern}. */
  static List<String> glob(String pattern) {
    match(pattern, ""); // a malformed pattern is an error even when nothing would be read
    if (!hasMeta(pattern)) {
      return Files.exists(Path.of(pattern), LinkOption.NOFOLLOW_LINKS) ? List.of(pattern) : List.of();
    }
    int slash = pattern.lastIndexOf('/');
    String dir = slash < 0 ? "" : pattern.substring(0, slash + 1);
    String file = pattern.substring(slash + 1);
    dir = cleanDir(dir);
    List<String> out = new ArrayList<>();
    if (!hasMeta(dir)) {
      globDir(dir, file, out);
      return out;
    }
    if (dir.equals(pattern)) {
      throw new BadPatternException();
    }
    for (String d : glob(dir)) {
      globDir(d, file, out);
    }
    return out;
  }

  private static String cleanDir(String dir) {
    if (dir.isEmpty()) {
      return ".";
    }
    if (dir.equals("/")) {
      return dir;
    }
    return dir.substring(0, dir.length() - 1); // without the trailing separator
  }

  private static void globDir(String dir, String pattern, List<String> out) {
    Path d = Path.of(dir);
    if (!Files.isDirectory(d)) {
      return;
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(d)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      return; // Go ignores I/O errors here
    }
    names.sort(null); // Go sorts names bytewise; the same order for ASCII names
    for (String n : names) {
      if (match(pattern, n)) {
        out.add(dir.endsWith("/") ? dir + n : dir + "/" + n);
      }
    }
  }

  static boolean hasMeta(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '\\') {
        return true;
      }
    }
    return false;
  }

  /**
   * Go's {@code filepath.Match}: whether {@code name} matches the whole {@code pattern}.
   *
   * @throws BadPatternException when the pattern is malformed
   */
  static boolean match(String pattern, String name) {
    String p = pattern;
    String n = name;
    outer:
    while (!p.isEmpty()) {
      boolean star = false;
      while (!p.isEmpty() && p.charAt(0) == '*') {
        p = p.substring(1);
        star = true;
      }
      int end = chunkEnd(p);
      String chunk = p.substring(0, end);
      p = p.substring(end);
      if (star && chunk.isEmpty()) {
        return n.indexOf('/') < 0; // a trailing * matches the rest, unless it holds a separator
      }
      String t = matchChunk(chunk, n);
      if (t != null && (t.isEmpty() || !p.isEmpty())) {
        n = t;
        continue;
      }
      if (star) {
        for (int i = 0; i < n.length() && n.charAt(i) != '/'; i++) {
          t = matchChunk(chunk, n.substring(i + 1));
          if (t != null) {
            if (p.isEmpty() && !t.isEmpty()) {
              continue; // the last chunk must match the end of the name
            }
            n = t;
            continue outer;
          }
        }
      }
      // no match: the rest of the pattern must still be well formed
      while (!p.isEmpty()) {
        while (!p.isEmpty() && p.charAt(0) == '*') {
          p = p.substring(1);
        }
        int e = chunkEnd(p);
        matchChunk(p.substring(0, e), "");
        p = p.substring(e);
      }
      return false;
    }
    return n.isEmpty();
  }

  /** End of the chunk at the start of {@code p}: up to the next {@code *} outside a class. */
  private static int chunkEnd(String p) {
    boolean inRange = false;
    int i = 0;
    for (; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '\\') {
        if (i + 1 < p.length()) {
          i++;
        }
      } else if (c == '[') {
        inRange = true;
      } else if (c == ']') {
        inRange = false;
      } else if (c == '*' && !inRange) {
        break;
      }
    }
    return i;
  }

  /** Matches a chunk (no {@code *}) at the start of {@code s}: the rest of {@code s}, or null when it does not match. */
  private static String matchChunk(String chunk, String s) {
    boolean failed = false;
    int c = 0;
    int i = 0;
    while (c < chunk.length()) {
      if (!failed && i >= s.length()) {
        failed = true;
      }
      char ch = chunk.charAt(c);
      if (ch == '[') {
        char r = 0;
        if (!failed) {
          r = s.charAt(i++);
        }
        c++;
        boolean negated = false;
        if (c < chunk.length() && chunk.charAt(c) == '^') {
          negated = true;
          c++;
        }
        boolean matched = false;
        int ranges = 0;
        while (true) {
          if (c < chunk.length() && chunk.charAt(c) == ']' && ranges > 0) {
            c++;
            break;
          }
          int[] lo = escaped(chunk, c);
          c = lo[1];
          int hi = lo[0];
          if (chunk.charAt(c) == '-') {
            int[] h = escaped(chunk, c + 1);
            hi = h[0];
            c = h[1];
          }
          if (lo[0] <= r && r <= hi) {
            matched = true;
          }
          ranges++;
        }
        if (matched == negated) {
          failed = true;
        }
      } else if (ch == '?') {
        if (!failed) {
          if (s.charAt(i) == '/') {
            failed = true;
          }
          i++;
        }
        c++;
      } else {
        if (ch == '\\') {
          c++;
          if (c >= chunk.length()) {
            throw new BadPatternException();
          }
          ch = chunk.charAt(c);
        }
        if (!failed) {
          if (ch != s.charAt(i)) {
            failed = true;
          }
          i++;
        }
        c++;
      }
    }
    return failed ? null : s.substring(i);
  }

  /** A class member at {@code c}: {character, index after it}; the class must go on after it. */
  private static int[] escaped(String chunk, int c) {
    if (c >= chunk.length() || chunk.charAt(c) == '-' || chunk.charAt(c) == ']') {
      throw new BadPatternException();
    }
    if (chunk.charAt(c) == '\\') {
      c++;
      if (c >= chunk.length()) {
        throw new BadPatternException();
      }
    }
    char r = chunk.charAt(c);
    c++;
    if (c >= chunk.length()) {
      throw new BadPatternException();
    }
    return new int[] {r, c};
  }
}
