package io.strata.ingest.kafka;

import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;

/**
 * One series (its labels and the samples a request carries for it) is larger than the largest record
 * ingest writes to Kafka ({@link PartitionedBatch#MAX_RECORD_BYTES}): answered 413, nothing written. Series
 * are never split across records, and several series are split over as many records as they need, so only
 * a single oversize series can get here.
 */
public final class SeriesTooLargeException extends BadRequestException {
  SeriesTooLargeException(Labels labels, int bytes, int maxBytes) {
    super(TOO_LARGE, "series " + abbreviate(labels.toString()) + " with its samples encodes to " + bytes
        + " bytes, more than the largest Kafka record ingest writes (" + maxBytes + " bytes of series per record);"
        + " send fewer samples of it per request");
  }

  /** The first 200 characters, as Mimir quotes series in its messages. */
  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
