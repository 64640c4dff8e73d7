package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code tls_config}: PEM files for the CA and the client certificate, SNI name, verification switch. */
public record TlsConfig(String caFile, String certFile, String keyFile, String serverName, boolean insecureSkipVerify) {
  public static final TlsConfig DEFAULT = new TlsConfig(null, null, null, null, null);

  @JsonCreator
  public TlsConfig(
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ConfigPath.class) @JsonProperty("ca_file") String caFile,
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ConfigPath.class) @JsonProperty("cert_file") String certFile,
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ConfigPath.class) @JsonProperty("key_file") String keyFile,
      @JsonProperty("server_name") String serverName,
      @JsonProperty("insecure_skip_verify") Boolean insecureSkipVerify) {
    this(caFile == null ? "" : caFile, certFile == null ? "" : certFile, keyFile == null ? "" : keyFile,
        serverName == null ? "" : serverName, insecureSkipVerify != null && insecureSkipVerify);
  }

  public TlsConfig {
    if (!certFile.isEmpty() && keyFile.isEmpty()) {
      throw new IllegalArgumentException("exactly one of key or key_file must be configured when a client certificate is configured");
    }
    if (!keyFile.isEmpty() && certFile.isEmpty()) {
      throw new IllegalArgumentException("exactly one of cert or cert_file must be configured when a client key is configured");
    }
  }
}
