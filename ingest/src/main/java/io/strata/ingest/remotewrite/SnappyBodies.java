package io.strata.ingest.remotewrite;

import java.io.IOException;
import org.xerial.snappy.Snappy;

/** Snappy block decompression of remote_write bodies, with the decompressed-size limit checked before allocating. */
final class SnappyBodies {
  private SnappyBodies() {}

  static byte[] uncompress(byte[] body, int maxDecompressedBytes) {
    byte[] out = new byte[uncompressedLength(body, maxDecompressedBytes)];
    uncompress(body, out);
    return out;
  }

  /** The length {@code body} decompresses to (from its header), checked against the limit. */
  static int uncompressedLength(byte[] body, int maxDecompressedBytes) {
    try {
      int len = Snappy.uncompressedLength(body);
      if (len < 0) { // the header's varint is 32 bits wide: beyond 2^31 - 1 it reads as negative (found by fuzzing)
        throw new BadRequestException("snappy", "cannot decompress snappy body: header declares an impossible length");
      }
      if (len > maxDecompressedBytes) {
        throw new BadRequestException(BadRequestException.TOO_LARGE,
            "decompressed body of " + len + " bytes exceeds the limit of " + maxDecompressedBytes);
      }
      return len;
    } catch (IOException e) {
      throw new BadRequestException("snappy", "cannot decompress snappy body: " + e.getMessage());
    }
  }

  /**
   * Decompresses into {@code out[0, uncompressedLength)}; {@code out} must hold at least
   * {@link #uncompressedLength} bytes (the native code writes exactly that many, or fails).
   */
  static void uncompress(byte[] body, byte[] out) {
    try {
      // No separate Snappy.isValidCompressedBuffer pass: uncompress checks the data as it goes (and fails
      // with an IOException on corrupt input).
      Snappy.uncompress(body, 0, body.length, out, 0);
    } catch (IOException e) {
      throw new BadRequestException("snappy", "cannot decompress snappy body: " + e.getMessage());
    }
  }
}
