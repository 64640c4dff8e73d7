package io.strata.tsdb.encoding;

/**
 * Unsigned LEB128 varints, as Prometheus's and Protobuf's, for every on-disk format of the store (chunk
 * directories, chunk records, boxes); reading is {@code format.Decbuf#uvarint()}.
 */
public final class Varint {
  private Varint() {}

  public static int uvarintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** Writes v at off; returns the offset after it. */
  public static int putUvarint(byte[] b, int off, long v) {
    while ((v & ~0x7FL) != 0) {
      b[off++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[off++] = (byte) v;
    return off;
  }
}
