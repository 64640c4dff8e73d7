package io.strata.schemas.model;

import io.strata.avro.Label;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What every stage reading {@code metrics.samples} checks in a decoded {@link SampleBatch} before using any
 * of it: the series ingest would have refused over HTTP, and series on a partition the partition rule does
 * not give them. One implementation for the rollups (streams), the TSDB sink and the rule job (flink-jobs), so
 * the three refuse the same records for the same reasons. A batch is refused whole (nothing of it is applied)
 * at its first bad series.
 */
public final class SampleBatchCheck {
  private SampleBatchCheck() {}

  /** Why a batch is refused: the dead-letter reason code and the counter's {@code reason} label. */
  public enum Reason {
    /** A series without a {@code __name__} label (or with an empty one). */
    MISSING_METRIC_NAME,
    /** A {@code __name__} outside {@code [a-zA-Z_:][a-zA-Z0-9_:]*} (Prometheus 2.42: no dots, no leading digit). */
    INVALID_METRIC_NAME,
    /** A label name outside {@code [a-zA-Z_][a-zA-Z0-9_]*} ({@code bad-name}, {@code 0digit}). */
    INVALID_LABEL_NAME,
    /** The same label name twice in one series. */
    DUPLICATE_LABEL,
    /**
     * A label with an empty value. Prometheus treats it as an absent label and ingest drops it before writing,
     * but on the topic the series key (and so the partition) includes it: the record is not in the form
     * ingest writes, so it is refused rather than rewritten.
     */
    EMPTY_LABEL_VALUE,
    /** A series whose partition by the partition rule is not the partition the record was read from. */
    WRONG_PARTITION
  }

  /** The series key is encoded into a reused buffer (no allocation per series): one hasher per thread. */
  private static final ThreadLocal<SeriesHasher> HASHERS = ThreadLocal.withInitial(SeriesHasher::new);

  /** A refused batch: the reason code and a message naming the series index and what is wrong. */
  public record Rejection(Reason reason, String message) {}

  /**
   * Checks every series of the batch; returns null when the batch is valid.
   *
   * @param partition the partition the record was read from
   * @param partitions the partition count of the topic it was read from; 0 or less skips the partition check
   */
  public static Rejection check(SampleBatch batch, int partition, int partitions) {
    List<Series> series = batch.getSeries();
    for (int i = 0; i < series.size(); i++) {
      Rejection r = checkLabels(series.get(i).getLabels(), i);
      if (r != null) {
        return r;
      }
      if (partitions > 0 && partition >= 0) {
        List<Label> avro = series.get(i).getLabels();
        int expected = sorted(avro) ? HASHERS.get().partitionOfSorted(batch.getTenant(), avro, partitions)
            : SeriesPartitioner.partition(batch.getTenant(), Labels.fromAvro(avro), partitions);
        if (expected != partition) {
          Labels labels = Labels.fromAvro(avro);
          return new Rejection(Reason.WRONG_PARTITION, "series " + i + " " + labels + " of tenant \"" + batch.getTenant()
              + "\" belongs on partition " + expected + " of " + partitions + ", read from partition " + partition);
        }
      }
    }
    return null;
  }

  private static boolean sorted(List<Label> labels) {
    for (int k = 1; k < labels.size(); k++) {
      if (labels.get(k).getName().compareTo(labels.get(k - 1).getName()) <= 0) {
        return false;
      }
    }
    return true;
  }

  private static Rejection checkLabels(List<Label> labels, int index) {
    String metric = null;
    boolean sorted = true;
    for (int k = 0; k < labels.size(); k++) {
      String name = labels.get(k).getName();
      String value = labels.get(k).getValue();
      if (!Labels.isValidName(name)) {
        return new Rejection(Reason.INVALID_LABEL_NAME, "series " + index + ": invalid label name \"" + name + "\"");
      }
      if (value.isEmpty()) {
        return new Rejection(Reason.EMPTY_LABEL_VALUE, "series " + index + ": label \"" + name + "\" has an empty value");
      }
      if (k > 0) {
        int c = name.compareTo(labels.get(k - 1).getName());
        if (c == 0) {
          return new Rejection(Reason.DUPLICATE_LABEL, "series " + index + ": duplicate label name \"" + name + "\"");
        }
        sorted &= c > 0;
      }
      if (name.equals(Labels.METRIC_NAME)) {
        metric = value;
      }
    }
    if (!sorted) { // the contract says sorted; readers sort, but a duplicate may then be apart
      Set<String> seen = new HashSet<>();
      for (Label l : labels) {
        if (!seen.add(l.getName())) {
          return new Rejection(Reason.DUPLICATE_LABEL, "series " + index + ": duplicate label name \"" + l.getName() + "\"");
        }
      }
    }
    if (metric == null) {
      return new Rejection(Reason.MISSING_METRIC_NAME, "series " + index + ": no __name__ label");
    }
    if (!Labels.isValidMetricName(metric)) {
      return new Rejection(Reason.INVALID_METRIC_NAME, "series " + index + ": invalid metric name \"" + metric + "\"");
    }
    return null;
  }
}
