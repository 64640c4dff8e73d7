package io.strata.tsdb.format;

import io.strata.tsdb.chunkenc.ChunkEncoding;

/**
 * One chunk as stored under a {@code C} or {@code H} key: a {@link Box#CHUNK} box whose payload is
 * {@code [encoding u8][maxT - minT uvarint][chunk bytes]}. minT is the chunk's first timestamp, the
 * 64 bits right after the 2-byte count header, so it is never stored twice.
 */
public record ChunkRecord(int encoding, long minT, long maxT, int count, byte[] data) {

  public byte[] encode() {
    int hdr = 1 + Varint.uvarintSize(maxT - minT);
    byte[] payload = new byte[hdr + data.length];
    payload[0] = (byte) encoding;
    Varint.putUvarint(payload, 1, maxT - minT);
    System.arraycopy(data, 0, payload, hdr, data.length);
    return Box.wrap(Box.CHUNK, payload);
  }

  /** Verifies and decodes; {@code where} names the key in errors. */
  public static ChunkRecord decode(byte[] box, String where) {
    Box.Payload p = Box.open(box, Box.CHUNK, where);
    Decbuf d = new Decbuf(box, p.offset(), p.length());
    int enc = d.u8();
    long span = d.uvarint();
    int dataOff = d.position();
    int dataLen = p.offset() + p.length() - dataOff;
    if (d.err() != null || (enc < ChunkEncoding.XOR || enc > ChunkEncoding.ROLLUP_EXACT) || dataLen < ChunkEncoding.HEADER_BYTES + 8 || span < 0) {
      throw new StorageCorruptionException(where, p.offset(), "chunk header (encoding 1 to 5, span, >= 10 data bytes)",
          "encoding " + enc + ", span " + span + ", " + dataLen + " data bytes" + (d.err() == null ? "" : ", " + d.err()), "chunk");
    }
    byte[] data = java.util.Arrays.copyOfRange(box, dataOff, dataOff + dataLen);
    long minT = Box.getLong(data, ChunkEncoding.HEADER_BYTES);
    return new ChunkRecord(enc, minT, minT + span, ChunkEncoding.count(data, 0), data);
  }
}
