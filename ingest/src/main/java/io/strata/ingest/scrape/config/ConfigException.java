package io.strata.ingest.scrape.config;

/** A prometheus.yml that cannot be used; the message says where and why. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
