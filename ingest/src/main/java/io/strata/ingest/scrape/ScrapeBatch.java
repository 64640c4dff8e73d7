package io.strata.ingest.scrape;

import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The samples of one scrape in column form: parallel arrays of labels, timestamps (ms) and values, plus
 * the metric metadata (TYPE/HELP/UNIT) the target exposed. Stale markers are samples whose value is
 * {@link io.strata.schemas.model.StaleMarker#VALUE}. Reused by its scrape loop: valid until the sink returns.
 */
public final class ScrapeBatch {
  private final String job;
  private final Labels targetLabels;
  private Labels[] labels = new Labels[64];
  private long[] timestamps = new long[64];
  private double[] values = new double[64];
  private int size;
  private final List<FamilyMetadata> metadata = new ArrayList<>();

  ScrapeBatch(String job, Labels targetLabels) {
    this.job = job;
    this.targetLabels = targetLabels;
  }

  /** The job of the scraped target. */
  public String job() {
    return job;
  }

  /** The labels of the scraped target ({@code job}, {@code instance} and labels from discovery/relabeling). */
  public Labels targetLabels() {
    return targetLabels;
  }

  public int size() {
    return size;
  }

  public Labels labels(int i) {
    return labels[i];
  }

  public long timestampMs(int i) {
    return timestamps[i];
  }

  public double value(int i) {
    return values[i];
  }

  /** Families announced by TYPE/HELP/UNIT lines in this scrape, in exposition order. */
  public List<FamilyMetadata> metadata() {
    return metadata;
  }

  void clear() {
    Arrays.fill(labels, 0, size, null);
    size = 0;
    metadata.clear();
  }

  void add(Labels l, long ts, double v) {
    if (size == labels.length) {
      int cap = size * 2;
      labels = Arrays.copyOf(labels, cap);
      timestamps = Arrays.copyOf(timestamps, cap);
      values = Arrays.copyOf(values, cap);
    }
    labels[size] = l;
    timestamps[size] = ts;
    values[size] = v;
    size++;
  }

  /** Drops samples from {@code newSize} on (a failed scrape keeps nothing it parsed). */
  void truncate(int newSize) {
    Arrays.fill(labels, newSize, size, null);
    size = newSize;
  }

  void addMetadata(FamilyMetadata m) {
    metadata.add(m);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ScrapeBatch[job=").append(job).append(", size=").append(size).append("]");
    for (int i = 0; i < Math.min(size, 20); i++) {
      sb.append("\n  ").append(labels[i]).append(' ').append(values[i]).append(" @").append(timestamps[i]);
    }
    return sb.toString();
  }
}
