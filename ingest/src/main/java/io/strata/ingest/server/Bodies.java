package io.strata.ingest.server;

import io.strata.ingest.remotewrite.BadRequestException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Request body helpers shared by the push handlers: gzip Content-Encoding with the decompressed-size limit. */
final class Bodies {
  private Bodies() {}

  /** The body as the sender meant it: gunzipped when Content-Encoding says gzip, as is when absent or identity. */
  static byte[] decode(byte[] body, String contentEncoding, int maxDecompressedBytes) {
    if (contentEncoding == null || contentEncoding.isBlank() || contentEncoding.trim().equalsIgnoreCase("identity")) {
      return body;
    }
    if (!contentEncoding.trim().toLowerCase(Locale.ROOT).equals("gzip")) {
      throw new BadRequestException("content_encoding", "unsupported Content-Encoding " + contentEncoding + "; send gzip or none");
    }
    return gunzip(body, maxDecompressedBytes);
  }

  static byte[] gunzip(byte[] body, int max) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, Math.max(1024, body.length * 4)));
      byte[] chunk = new byte[16 * 1024];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + n > max) {
          throw new BadRequestException(BadRequestException.TOO_LARGE, "gzip body decompresses to more than the limit of " + max + " bytes");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new BadRequestException("gzip", "cannot decompress gzip body: " + e.getMessage());
    }
  }
}
