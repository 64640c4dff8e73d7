package io.strata.tsdb.format;

import io.strata.tsdb.encoding.Varint;
import java.util.zip.CRC32C;

/**
 * The envelope of every value we store (docs/format/box.md):
 *
 * <pre>
 * ┌──────────┬────────────┬────────────────────┬───────────────┬─────────────────┐
 * │ magic u8 │ version u8 │ payload len uvarint│ payload bytes │ CRC32C u32 (BE) │
 * └──────────┴────────────┴────────────────────┴───────────────┴─────────────────┘
 * </pre>
 * The checksum covers every byte before it (magic through payload).
 */
public final class Box {
  private Box() {}

  public static final int CHUNK = 0xC1;
  public static final int SERIES = 0x5E;
  public static final int BLOCK = 0xB1;
  public static final int OFFSET = 0x0F;
  public static final int STORE = 0x57;
  public static final int TOMBSTONE = 0x70;

  /** Format version of every box kind written today. */
  public static final int V1 = 1;

  public static byte[] wrap(int magic, int version, byte[] payload, int off, int len) {
    int lenBytes = Varint.uvarintSize(len);
    byte[] out = new byte[2 + lenBytes + len + 4];
    out[0] = (byte) magic;
    out[1] = (byte) version;
    int p = Varint.putUvarint(out, 2, len);
    System.arraycopy(payload, off, out, p, len);
    p += len;
    CRC32C crc = new CRC32C();
    crc.update(out, 0, p);
    putInt(out, p, (int) crc.getValue());
    return out;
  }

  public static byte[] wrap(int magic, byte[] payload) {
    return wrap(magic, V1, payload, 0, payload.length);
  }

  /** Where a verified payload lies inside its box. */
  public record Payload(byte[] box, int version, int offset, int length) {
    public byte[] copy() {
      return java.util.Arrays.copyOfRange(box, offset, offset + length);
    }
  }

  /**
   * Verifies magic, length and checksum; {@code where} names the record (a key) for the error.
   *
   * @throws StorageCorruptionException naming where, the offset of the failed check, expected and actual
   */
  public static Payload open(byte[] box, int magic, String where) {
    if (box.length < 7) {
      throw new StorageCorruptionException(where, 0, "box of at least 7 bytes", box.length + " bytes", "box");
    }
    if ((box[0] & 0xFF) != magic) {
      throw new StorageCorruptionException(where, 0, hex8(magic) + " magic", hex8(box[0] & 0xFF), "box");
    }
    int version = box[1] & 0xFF;
    if (version != V1) {
      throw new StorageCorruptionException(where, 1, "version " + V1, "version " + version, "box");
    }
    Decbuf d = new Decbuf(box, 2, box.length - 2);
    long len = d.uvarint();
    int payloadOff = d.position();
    if (d.err() != null || len < 0 || payloadOff + len + 4 != box.length) {
      throw new StorageCorruptionException(where, 2, "payload length " + (box.length - 4 - payloadOff), "payload length " + len, "box");
    }
    int crcOff = payloadOff + (int) len;
    CRC32C crc = new CRC32C();
    crc.update(box, 0, crcOff);
    int expected = getInt(box, crcOff);
    int actual = (int) crc.getValue();
    if (expected != actual) {
      throw new StorageCorruptionException(where, crcOff, "CRC32C " + hex32(expected), "CRC32C " + hex32(actual), "box");
    }
    return new Payload(box, version, payloadOff, (int) len);
  }

  static String hex8(int v) {
    return String.format("0x%02x", v);
  }

  static String hex32(int v) {
    return String.format("0x%08x", v);
  }

  public static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  public static int getInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
  }

  public static void putLong(byte[] b, int off, long v) {
    putInt(b, off, (int) (v >>> 32));
    putInt(b, off + 4, (int) v);
  }

  public static long getLong(byte[] b, int off) {
    return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xFFFFFFFFL);
  }
}
