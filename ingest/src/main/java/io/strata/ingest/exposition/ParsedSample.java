package io.strata.ingest.exposition;

import io.strata.schemas.model.Labels;

/** One parsed sample with its labels materialised ({@code __name__} included). */
public record ParsedSample(Labels labels, double value, long timestampMs) {
  /** Marks a sample without a timestamp in the exposition. */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  public ParsedSample {
    if (labels == null) {
      throw new IllegalArgumentException("labels must not be null");
    }
  }

  public boolean hasTimestamp() {
    return timestampMs != NO_TIMESTAMP;
  }
}
