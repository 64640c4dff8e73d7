package io.strata.ingest.remotewrite;

import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.kafka.SeriesSamples;
import java.util.List;

/**
 * What one remote_write request carried, validated: float series, family metadata, and the counts of what
 * Strata does not store (native histogram samples, exemplars), which the 2.0 response headers report.
 */
public record WriteRequestData(List<SeriesSamples> series, List<FamilyMetadata> metadata, long samples, int histogramsSkipped,
    int exemplarsSkipped) {
  public WriteRequestData {
    series = List.copyOf(series);
    metadata = List.copyOf(metadata);
  }
}
