package io.strata.flink.model;

/**
 * The samples of one series from one decoded {@code SampleBatch}: the unit that flows from the decoder to
 * the keyed evaluator. One element per series and batch, not per sample, so the shuffle carries batches.
 * Timestamps and values are parallel primitive arrays.
 */
public class SeriesSamples {
  /** Canonical series key (tenant + sorted labels, see {@link #keyOf}); the Flink key. */
  public String seriesKey;
  public String tenant;
  /** Sorted label pairs, {@code __name__} included: name0, value0, name1, value1, ... */
  public String[] labels;
  public long[] timestamps;
  public double[] values;
  /**
   * The element's event time, which drives the watermark: the largest sample timestamp of the whole
   * batch the series came from, so event time advances with every batch read, matched by a rule or not.
   */
  public long eventTime;

  public SeriesSamples() {}

  public SeriesSamples(String tenant, String[] labels, long[] timestamps, double[] values, long eventTime) {
    this.seriesKey = keyOf(tenant, labels);
    this.tenant = tenant;
    this.labels = labels;
    this.timestamps = timestamps;
    this.values = values;
    this.eventTime = eventTime;
  }

  /**
   * An element without samples that only carries event time: the decoder emits one for a batch none of
   * whose series a rule selects, so the watermark still advances. The evaluator ignores it.
   */
  public static SeriesSamples progress(long eventTime) {
    SeriesSamples s = new SeriesSamples();
    s.seriesKey = "";
    s.tenant = "";
    s.labels = new String[0];
    s.timestamps = new long[0];
    s.values = new double[0];
    s.eventTime = eventTime;
    return s;
  }

  public boolean isProgress() {
    return timestamps.length == 0;
  }

  /**
   * The Flink key of a series: tenant and sorted label strings, each written as its length, a colon and
   * its characters, so two different series can never produce the same key. Only used for grouping inside
   * the job, never written anywhere (the wire key is io.strata.schemas.model.SeriesKey).
   */
  public static String keyOf(String tenant, String[] labels) {
    int len = tenant.length() + 4;
    for (String s : labels) {
      len += s.length() + 4;
    }
    StringBuilder sb = new StringBuilder(len);
    sb.append(tenant.length()).append(':').append(tenant);
    for (String s : labels) {
      sb.append(s.length()).append(':').append(s);
    }
    return sb.toString();
  }
}
