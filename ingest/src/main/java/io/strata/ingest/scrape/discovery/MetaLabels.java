package io.strata.ingest.scrape.discovery;

/** Helpers every discoverer shares to build {@code __meta_*} labels and addresses as Prometheus does. */
public final class MetaLabels {
  private MetaLabels() {}

  /** Prometheus's {@code strutil.SanitizeLabelName}: every character outside [a-zA-Z0-9_] becomes {@code _}. */
  public static String sanitize(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      sb.append(ok ? c : '_');
    }
    return sb.toString();
  }

  /** Go's {@code net.JoinHostPort}: brackets around a host holding a colon. */
  public static String joinHostPort(String host, String port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  public static String joinHostPort(String host, long port) {
    return joinHostPort(host, Long.toString(port));
  }
}
