package io.strata.schemas.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The canonical byte encoding of tenant + sorted labels: the Kafka record key a single-series producer
 * uses, and the input of the partitioner. Every string is written as an unsigned LEB128 length followed
 * by its UTF-8 bytes: tenant, then name and value of each label in name order. Documented in
 * schemas/README.md; changing it moves series between partitions, so it never changes.
 */
public final class SeriesKey {
  private SeriesKey() {}

  public static byte[] encode(String tenant, Labels labels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + labels.size() * 24);
    writeString(out, tenant);
    for (int i = 0; i < labels.size(); i++) {
      writeString(out, labels.name(i));
      writeString(out, labels.value(i));
    }
    return out.toByteArray();
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int n = b.length;
    while ((n & ~0x7F) != 0) {
      out.write((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    out.write(n);
    out.write(b, 0, b.length);
  }
}
