package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code basic_auth}: the password or a file holding it (read at every request, as Prometheus does). */
public record BasicAuth(String username, String password, String passwordFile) {
  @JsonCreator
  public BasicAuth(
      @JsonProperty("username") String username,
      @JsonProperty("password") String password,
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ConfigPath.class) @JsonProperty("password_file") String passwordFile) {
    this.username = username == null ? "" : username;
    this.password = password == null ? "" : password;
    this.passwordFile = passwordFile == null ? "" : passwordFile;
    if (!this.password.isEmpty() && !this.passwordFile.isEmpty()) {
      throw new IllegalArgumentException("at most one of basic_auth password & password_file must be configured");
    }
  }

  @Override
  public String toString() {
    return "BasicAuth[username=" + username + ", password=<secret>, passwordFile=" + passwordFile + "]";
  }
}
