package io.strata.tsdb.format;

import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;

/**
 * A series as stored under its {@code S} key: a {@link Box#SERIES} box whose payload is the canonical
 * series key of schemas/ (uvarint-length-prefixed UTF-8 strings: tenant, then name and value of each
 * label in name order).
 */
public record SeriesRecord(long id, String tenant, Labels labels) {

  public byte[] encode() {
    return Box.wrap(Box.SERIES, SeriesKey.encode(tenant, labels));
  }

  public static SeriesRecord decode(long id, byte[] box, String where) {
    Box.Payload p = Box.open(box, Box.SERIES, where);
    Decbuf d = new Decbuf(box, p.offset(), p.length());
    String tenant = d.string();
    java.util.ArrayList<String> pairs = new java.util.ArrayList<>();
    while (d.err() == null && d.remaining() > 0) {
      pairs.add(d.string());
    }
    if (d.err() != null || pairs.size() % 2 != 0) {
      throw new StorageCorruptionException(where, p.offset(), "tenant and label pairs", d.err() != null ? d.err() : pairs.size() + " label strings", "series");
    }
    return new SeriesRecord(id, tenant, Labels.of(pairs.toArray(new String[0])));
  }
}
