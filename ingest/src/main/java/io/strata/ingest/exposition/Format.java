package io.strata.ingest.exposition;

import java.util.Locale;

/** The text exposition formats the parser reads. */
public enum Format {
  /** Prometheus text format 0.0.4 ({@code text/plain; version=0.0.4}). Timestamps are integer milliseconds. */
  PROMETHEUS_TEXT_0_0_4("text/plain; version=0.0.4; charset=utf-8"),
  /** OpenMetrics 1.0 text ({@code application/openmetrics-text}). Timestamps are seconds; {@code # EOF} required. */
  OPENMETRICS_1_0("application/openmetrics-text; version=1.0.0; charset=utf-8");

  /**
   * The Accept header Prometheus sends when scraping: OpenMetrics preferred, then the 0.0.4 text format,
   * then anything (parsed as 0.0.4 text).
   */
  public static final String SCRAPE_ACCEPT_HEADER =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  private final String contentType;

  Format(String contentType) {
    this.contentType = contentType;
  }

  /** The Content-Type a server sends for this format. */
  public String contentType() {
    return contentType;
  }

  /**
   * Picks the parser for a response Content-Type as Prometheus 2.x does: media type
   * {@code application/openmetrics-text} (any version) selects OpenMetrics; anything else, a missing header
   * included, is read as the 0.0.4 text format.
   */
  public static Format forContentType(String contentType) {
    if (contentType == null) {
      return PROMETHEUS_TEXT_0_0_4;
    }
    int semi = contentType.indexOf(';');
    String mediaType = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    if (mediaType.equals("application/openmetrics-text")) {
      return OPENMETRICS_1_0;
    }
    return PROMETHEUS_TEXT_0_0_4;
  }
}
