package io.strata.ingest.remotewrite;

import java.io.IOException;
import org.xerial.snappy.Snappy;

/** Snappy block decompression of remote_write bodies, with the decompressed-size limit checked before allocating. */
final class SnappyBodies {
  private SnappyBodies() {}

  static byte[] uncompress(byte[] body, int maxDecompressedBytes) {
    try {
      // No separate Snappy.isValidCompressedBuffer pass: uncompress checks the data as it goes (and fails
      // with an IOException on corrupt input) and the output is sized from the validated header length.
      int len = Snappy.uncompressedLength(body);
      if (len > maxDecompressedBytes) {
        throw new BadRequestException(BadRequestException.TOO_LARGE,
            "decompressed body of " + len + " bytes exceeds the limit of " + maxDecompressedBytes);
      }
      return Snappy.uncompress(body);
    } catch (IOException e) {
      throw new BadRequestException("snappy", "cannot decompress snappy body: " + e.getMessage());
    }
  }
}
