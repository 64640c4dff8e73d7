package io.strata.promql.template;

/** Go's {@code net.SplitHostPort}, {@code ParseIP} and {@code JoinHostPort} for stripPort and stripDomain. */
final class GoNet {
  private GoNet() {}

  /** {host, port} or null when Go's SplitHostPort returns an error. */
  static String[] splitHostPort(String hostport) {
    int i = hostport.lastIndexOf(':');
    if (i < 0) {
      return null;
    }
    String host;
    int j = 0;
    int k = 0;
    if (hostport.startsWith("[")) {
      int end = hostport.indexOf(']');
      if (end < 0) {
        return null;
      }
      if (end + 1 == hostport.length() || end + 1 != i) {
        return null;
      }
      host = hostport.substring(1, end);
      j = 1;
      k = end + 1;
    } else {
      host = hostport.substring(0, i);
      if (host.indexOf(':') >= 0) {
        return null;
      }
    }
    if (hostport.indexOf('[', j) >= 0 || hostport.indexOf(']', k) >= 0) {
      return null;
    }
    return new String[] {host, hostport.substring(i + 1)};
  }

  static String stripPort(String hostPort) {
    String[] hp = splitHostPort(hostPort);
    return hp == null ? hostPort : hp[0];
  }

  static String stripDomain(String hostPort) {
    String[] hp = splitHostPort(hostPort);
    String host = hp == null ? hostPort : hp[0];
    String port = hp == null ? "" : hp[1];
    if (isIP(host)) {
      return hostPort;
    }
    int dot = host.indexOf('.');
    host = dot < 0 ? host : host.substring(0, dot);
    if (!port.isEmpty()) {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
    return host;
  }

  static boolean isIP(String s) {
    return isIPv4(s) || isIPv6(s);
  }

  private static boolean isIPv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        return false;
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIPv6(String s) {
    if (s.isEmpty()) {
      return false;
    }
    int ellipsis = s.indexOf("::");
    if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
      return false;
    }
    String[] halves = ellipsis >= 0 ? new String[] {s.substring(0, ellipsis), s.substring(ellipsis + 2)}
        : new String[] {s};
    int groups = 0;
    for (int h = 0; h < halves.length; h++) {
      String half = halves[h];
      if (half.isEmpty()) {
        continue;
      }
      String[] parts = half.split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i];
        boolean last = h == halves.length - 1 && i == parts.length - 1;
        if (last && p.indexOf('.') >= 0) {
          if (!isIPv4(p)) {
            return false;
          }
          groups += 2;
          continue;
        }
        if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          return false;
        }
        groups++;
      }
    }
    return ellipsis >= 0 ? groups < 8 : groups == 8;
  }

  /** The path of a URL, as Go's url.Parse reads it (empty when the URL has none or does not parse). */
  static String urlPath(String url) {
    try {
      String p = new java.net.URI(url).getPath();
      return p == null ? "" : p;
    } catch (java.net.URISyntaxException e) {
      return "";
    }
  }
}
