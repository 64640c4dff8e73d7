package io.strata.schemas.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus's web-config.yml (exporter-toolkit, as in Prometheus 2.42): {@code tls_server_config},
 * {@code http_server_config} and {@code basic_auth_users}. Parsed strictly (an unknown field is an error, as
 * Go's {@code yaml.UnmarshalStrict}) and validated with exporter-toolkit's messages, e.g. {@code missing key_file},
 * {@code Invalid ClientAuth: X}, {@code HTTP header "X" can not be configured}. Relative file names are resolved
 * against the web config file's directory, as exporter-toolkit does.
 */
public record WebConfig(Tls tls, Http http, Map<String, String> users) {

  /** {@code tls_server_config}; {@link #enabled()} is false when none of cert, key, client auth or client CA is set. */
  public record Tls(
      @JsonProperty("cert_file") String certFile,
      @JsonProperty("key_file") String keyFile,
      @JsonProperty("client_auth_type") String clientAuthType,
      @JsonProperty("client_ca_file") String clientCaFile,
      @JsonProperty("cipher_suites") List<String> cipherSuites,
      @JsonProperty("curve_preferences") List<String> curvePreferences,
      @JsonProperty("min_version") String minVersion,
      @JsonProperty("max_version") String maxVersion,
      @JsonProperty("prefer_server_cipher_suites") Boolean preferServerCipherSuites) {

    public boolean enabled() {
      return !blank(certFile) || !blank(keyFile) || !blank(clientAuthType) || !blank(clientCaFile);
    }

    /** The JSSE protocol names from {@code min_version} to {@code max_version} (a parsed config's). */
    public List<String> protocols() {
      int min = PROTOCOL_ORDER.indexOf(TLS_VERSIONS.get(minVersion));
      int max = PROTOCOL_ORDER.indexOf(TLS_VERSIONS.get(maxVersion));
      return PROTOCOL_ORDER.subList(min, Math.max(min, max + 1));
    }
  }

  /** {@code http_server_config}: {@code http2} (accepted; Strata serves HTTP/1.1) and the allowed response headers. */
  public record Http(@JsonProperty("http2") Boolean http2, @JsonProperty("headers") Map<String, String> headers) {}

  private record Raw(
      @JsonProperty("tls_server_config") Tls tls,
      @JsonProperty("http_server_config") Http http,
      @JsonProperty("basic_auth_users") Map<String, String> users) {}

  /** The headers exporter-toolkit lets a web config set, with the values it allows (empty: any value). */
  static final Map<String, List<String>> ALLOWED_HEADERS = headers();

  private static Map<String, List<String>> headers() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("Strict-Transport-Security", List.of());
    m.put("X-Content-Type-Options", List.of("nosniff"));
    m.put("X-Frame-Options", List.of("deny", "sameorigin"));
    m.put("X-XSS-Protection", List.of());
    m.put("Content-Security-Policy", List.of());
    return m;
  }

  static final Map<String, String> TLS_VERSIONS = Map.of("TLS10", "TLSv1", "TLS11", "TLSv1.1", "TLS12", "TLSv1.2", "TLS13", "TLSv1.3");
  static final List<String> PROTOCOL_ORDER = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
  static final Set<String> CURVES = Set.of("CurveP256", "CurveP384", "CurveP521", "X25519");
  static final Set<String> CLIENT_AUTH_TYPES = Set.of("", "NoClientCert", "RequestClientCert", "RequireAnyClientCert",
      "VerifyClientCertIfGiven", "RequireAndVerifyClientCert");

  public static final WebConfig EMPTY = new WebConfig(new Tls(null, null, null, null, null, null, null, null, null),
      new Http(null, Map.of()), Map.of());

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * Parses and validates the bytes of the web config file {@code file} (whose directory relative paths resolve
   * against). The TLS key pair and client CA are loaded by {@link WebTls}, which reports their errors.
   *
   * @throws IllegalArgumentException with exporter-toolkit's message
   */
  public static WebConfig parse(Path file, byte[] bytes) {
    Raw raw;
    try {
      checkFields(bytes);
      raw = bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank() ? null : YAML.readValue(bytes, Raw.class);
    } catch (UnrecognizedPropertyException e) {
      JsonLocation l = e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p ? p.currentTokenLocation() : e.getLocation();
      throw new IllegalArgumentException("yaml: unmarshal errors:\n  line " + (l == null ? 0 : l.getLineNr()) + ": field "
          + e.getPropertyName() + " not found in type " + goType(e.getReferringClass()));
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException("yaml: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("yaml: " + e.getMessage());
    }
    if (raw == null) {
      return EMPTY;
    }
    Path dir = file.toAbsolutePath().getParent();
    Tls t = raw.tls() == null ? EMPTY.tls() : raw.tls();
    Tls tls = new Tls(resolve(dir, t.certFile()), resolve(dir, t.keyFile()), t.clientAuthType() == null ? "" : t.clientAuthType(),
        resolve(dir, t.clientCaFile()), t.cipherSuites() == null ? List.of() : t.cipherSuites(),
        t.curvePreferences() == null ? List.of() : t.curvePreferences(),
        t.minVersion() == null ? "TLS12" : t.minVersion(), t.maxVersion() == null ? "TLS13" : t.maxVersion(),
        t.preferServerCipherSuites() == null ? Boolean.TRUE : t.preferServerCipherSuites());
    Http h = raw.http() == null ? EMPTY.http() : raw.http();
    Http http = new Http(h.http2() == null ? Boolean.TRUE : h.http2(), h.headers() == null ? Map.of() : Map.copyOf(h.headers()));
    Map<String, String> users = raw.users() == null ? Map.of() : Map.copyOf(raw.users());
    WebConfig c = new WebConfig(tls, http, users);
    c.validate();
    return c;
  }

  private void validate() {
    for (String v : List.of(tls.minVersion(), tls.maxVersion())) {
      if (!TLS_VERSIONS.containsKey(v)) {
        throw new IllegalArgumentException("unknown TLS version: " + v);
      }
    }
    for (String curve : tls.curvePreferences()) {
      if (!CURVES.contains(curve)) {
        throw new IllegalArgumentException("unknown curve: " + curve);
      }
    }
    http.headers().forEach((name, value) -> {
      List<String> allowed = ALLOWED_HEADERS.get(name);
      if (allowed == null) {
        throw new IllegalArgumentException("HTTP header \"" + name + "\" can not be configured");
      }
      if (!allowed.isEmpty() && !allowed.contains(value)) {
        throw new IllegalArgumentException("invalid value for " + name + ". Expected one of: "
            + allowed.stream().map(a -> "\"" + a + "\"").toList().toString().replace(",", "") + ", but got: \"" + value + "\"");
      }
    });
    if (tls.enabled()) {
      if (blank(tls.certFile())) {
        throw new IllegalArgumentException("missing cert_file");
      }
      if (blank(tls.keyFile())) {
        throw new IllegalArgumentException("missing key_file");
      }
      // the key pair, client CA file and client_auth_type are checked by WebTls, in exporter-toolkit's order
    }
    users.forEach((user, hash) -> {
      if (hash == null || hash.length() < 59) {
        throw new IllegalArgumentException("crypto/bcrypt: hashedSecret too short to be a bcrypted password");
      }
      try {
        BCrypt.Version.VERSION_2A.parser.parse(hash.getBytes(StandardCharsets.UTF_8));
      } catch (IllegalBCryptFormatException e) {
        throw new IllegalArgumentException("crypto/bcrypt: basic_auth_users." + user + ": " + e.getMessage());
      }
    });
  }

  private static final Map<String, Set<String>> FIELDS = Map.of(
      "", Set.of("tls_server_config", "http_server_config", "basic_auth_users"),
      "tls_server_config", Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file", "cipher_suites", "curve_preferences",
          "min_version", "max_version", "prefer_server_cipher_suites"),
      "http_server_config", Set.of("http2", "headers"));
  private static final Map<String, String> GO_TYPES = Map.of("", "web.Config", "tls_server_config", "web.TLSConfig",
      "http_server_config", "web.HTTPConfig");

  /** Unknown fields with the line they are on, as Go's strict YAML reports them (the record binding cannot tell the line). */
  private static void checkFields(byte[] bytes) throws IOException {
    try (com.fasterxml.jackson.core.JsonParser p = YAML.getFactory().createParser(bytes)) {
      java.util.ArrayDeque<String> path = new java.util.ArrayDeque<>();
      String field = "";
      for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case START_OBJECT, START_ARRAY -> path.push(path.isEmpty() ? "" : path.size() == 1 ? field : "-");
          case END_OBJECT, END_ARRAY -> path.pop();
          case FIELD_NAME -> {
            field = p.currentName();
            Set<String> known = path.size() <= 2 ? FIELDS.get(path.peek()) : null;
            if (known != null && !known.contains(field)) {
              throw new IllegalArgumentException("yaml: unmarshal errors:\n  line " + p.currentTokenLocation().getLineNr() + ": field "
                  + field + " not found in type " + GO_TYPES.get(path.peek()));
            }
          }
          default -> { }
        }
      }
    }
  }

  private static String resolve(Path dir, String f) {
    return blank(f) ? "" : dir.resolve(f).toString();
  }

  static boolean blank(String s) {
    return s == null || s.isEmpty();
  }

  private static String goType(Class<?> c) {
    if (c == Tls.class) {
      return "web.TLSConfig";
    }
    if (c == Http.class) {
      return "web.HTTPConfig";
    }
    return "web.Config";
  }
}
