package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** {@code authorization}: header {@code Authorization: <type> <credentials>}; type defaults to Bearer. */
public record Authorization(String type, String credentials, String credentialsFile) {
  @JsonCreator
  public Authorization(
      @JsonProperty("type") String type,
      @JsonProperty("credentials") String credentials,
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ConfigPath.class) @JsonProperty("credentials_file") String credentialsFile) {
    this.type = type == null || type.isBlank() ? "Bearer" : type.trim();
    this.credentials = credentials == null ? "" : credentials;
    this.credentialsFile = credentialsFile == null ? "" : credentialsFile;
    if (this.type.toLowerCase(Locale.ROOT).equals("basic")) {
      throw new IllegalArgumentException("authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    }
    if (!this.credentials.isEmpty() && !this.credentialsFile.isEmpty()) {
      throw new IllegalArgumentException("at most one of authorization credentials & credentials_file must be configured");
    }
  }

  @Override
  public String toString() {
    return "Authorization[type=" + type + ", credentials=<secret>, credentialsFile=" + credentialsFile + "]";
  }
}
