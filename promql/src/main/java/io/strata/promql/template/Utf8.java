package io.strata.promql.template;

/** Go's {@code unicode/utf8} decoding over byte arrays: invalid sequences decode as U+FFFD of width 1. */
final class Utf8 {
  private Utf8() {}

  /** {rune, width} of the rune starting at {@code i} (i < b.length). */
  static int[] decode(byte[] b, int i) {
    int c = b[i] & 0xff;
    if (c < 0x80) {
      return new int[] {c, 1};
    }
    int n;
    int r;
    int min;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
      r = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      r = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      r = c & 0x07;
      min = 0x10000;
    } else {
      return new int[] {0xfffd, 1};
    }
    if (i + n > b.length) {
      return new int[] {0xfffd, 1};
    }
    for (int k = 1; k < n; k++) {
      int cc = b[i + k] & 0xff;
      if ((cc & 0xc0) != 0x80) {
        return new int[] {0xfffd, 1};
      }
      r = (r << 6) | (cc & 0x3f);
    }
    if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) {
      return new int[] {0xfffd, 1};
    }
    return new int[] {r, n};
  }

  /** {rune, width} of the rune ending just before {@code end} (end > 0). */
  static int[] decodeLast(byte[] b, int end) {
    int start = end - 1;
    int lim = Math.max(0, end - 4);
    while (start > lim && (b[start] & 0xc0) == 0x80) {
      start--;
    }
    int[] rw = decode(b, start);
    if (start + rw[1] != end) {
      return new int[] {0xfffd, 1};
    }
    return rw;
  }

  /** Width in bytes of the rune at {@code i}, 0 at the end (as Go's DecodeRuneInString). */
  static int width(byte[] b, int i) {
    return i >= b.length ? 0 : decode(b, i)[1];
  }
}
