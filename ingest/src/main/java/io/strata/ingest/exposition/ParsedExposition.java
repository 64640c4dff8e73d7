package io.strata.ingest.exposition;

import java.util.List;

/** Everything one exposition held: samples in input order and family metadata in first-seen order. */
public record ParsedExposition(List<ParsedSample> samples, List<FamilyMetadata> families) {
  public ParsedExposition {
    samples = List.copyOf(samples);
    families = List.copyOf(families);
  }
}
