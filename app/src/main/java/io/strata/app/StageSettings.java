package io.strata.app;

import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.embedded.Ports;
import io.strata.schemas.http.WebSecurity;
import java.nio.file.Path;
import java.util.Map;

/**
 * The common options of one stage, resolved and checked ({@link StageFlags#resolve}).
 *
 * @param file the strata.yml ({@link StrataConfig#EMPTY} without {@code --config}), for the stage's own keys
 * @param portSource the flag or key the port came from, which a busy-port error names
 * @param bootstrap Kafka, or null for a stage that runs without it ({@link Stage#kafkaOptional})
 * @param dataDir absolute
 * @param webConfigFile absolute, or null
 */
public record StageSettings(Stage stage, StrataConfig file, String host, int port, String portSource, String bootstrap,
    String registryUrl, String topicPrefix, Path dataDir, Path webConfigFile) {

  /**
   * The web security of the stage's port: {@code --web.config.file}, with {@code auth.tenants} when the stage serves
   * tenant data, the lifecycle API when asked, and {@code onQuit} for {@code POST /-/quit}.
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  public WebSecurity web(boolean tenants, boolean lifecycle, Runnable onQuit) {
    return WebSecurity.load(new WebSecurity.Options(webConfigFile, tenants ? Settings.tenants(file) : Map.of(), lifecycle, false, onQuit));
  }

  /**
   * Fails when the port (not 0) is taken, before anything connects to Kafka.
   *
   * @throws IllegalArgumentException {@code --port: ingest port 127.0.0.1:9091 is already in use (...)}
   */
  public void requirePortFree() {
    if (port != 0) {
      try {
        Ports.requireFree(stage.portRole(), host, port);
      } catch (Ports.PortInUseException e) {
        throw Settings.invalid(portSource, e.getMessage());
      }
    }
  }

  /** The start of the stage's URLs for a port actually bound ({@code 0.0.0.0} shown as 127.0.0.1). */
  public String baseUrl(boolean tls, int boundPort) {
    return (tls ? "https://" : "http://") + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + boundPort;
  }
}
