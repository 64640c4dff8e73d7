package io.strata.tsdb.format;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over bytes that keeps its first error instead of throwing (as Prometheus's
 * {@code encoding.Decbuf}): read everything, then check {@link #err()} once.
 */
public final class Decbuf {
  private final byte[] b;
  private int pos;
  private final int end;
  private String err;

  public Decbuf(byte[] b, int off, int len) {
    this.b = b;
    this.pos = off;
    this.end = off + len;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  public String err() {
    return err;
  }

  private boolean need(int n, String what) {
    if (err != null) {
      return false;
    }
    if (end - pos < n) {
      err = what + " at offset " + pos + " needs " + n + " bytes, " + (end - pos) + " left";
      return false;
    }
    return true;
  }

  public int u8() {
    return need(1, "u8") ? b[pos++] & 0xFF : 0;
  }

  public long be64() {
    if (!need(8, "u64")) {
      return 0;
    }
    long v = Box.getLong(b, pos);
    pos += 8;
    return v;
  }

  public long uvarint() {
    long v = 0;
    int shift = 0;
    int start = pos;
    while (need(1, "uvarint")) {
      int x = b[pos++] & 0xFF;
      if (shift == 63 && x > 1) {
        err = "uvarint at offset " + start + " overflows 64 bits";
        return 0;
      }
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
      shift += 7;
    }
    return 0;
  }

  public String string() {
    long n = uvarint();
    if (n > Integer.MAX_VALUE || !need((int) n, "string")) {
      if (err == null) {
        err = "string length " + n + " at offset " + pos;
      }
      return "";
    }
    String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
    pos += (int) n;
    return s;
  }

  public byte[] bytes(int n) {
    if (!need(n, "bytes")) {
      return new byte[0];
    }
    byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
    pos += n;
    return out;
  }
}
