package io.strata.ingest.scrape;

import io.strata.schemas.model.Labels;
import java.net.URI;
import java.time.Duration;

/**
 * A scrape target after relabeling.
 *
 * @param labels labels attached to every scraped sample (all labels not starting with {@code __}: job,
 *     instance, and whatever discovery and relabeling kept)
 * @param internalLabels every label after relabeling, {@code __address__} and the other {@code __} labels
 *     included; two targets with equal internal labels are the same target
 * @param discoveredLabels the labels before relabeling (as Prometheus's "discovered labels")
 */
public record Target(String job, Labels labels, Labels internalLabels, Labels discoveredLabels, URI url,
    Duration interval, Duration timeout) {

  /** A stable 64-bit hash of the target identity (spreads scrapes over the interval). */
  public long hash() {
    long h = 0xcbf29ce484222325L; // FNV-1a over the internal labels and the URL
    String s = internalLabels.toString() + url;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
