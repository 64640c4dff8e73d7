package io.strata.schemas.registry;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A registry URL that may carry basic-auth credentials as user info ({@code http://user:password@host:port/...}),
 * the way Confluent's clients take them with {@code basic.auth.credentials.source=URL}: every Strata stage gets
 * one URL, and the registry client sends the credentials as an {@code Authorization: Basic} header.
 */
public final class RegistryUrl {
  private RegistryUrl() {}

  /** The URL without its user info: what is shown to people and used to connect. */
  public static String withoutCredentials(String url) {
    URI u = URI.create(url);
    if (u.getRawUserInfo() == null) {
      return url;
    }
    return url.replace(u.getRawUserInfo() + "@", "");
  }

  /** {@code url} carrying {@code user:password} (each URL-encoded). */
  public static String withCredentials(String url, String user, String password) {
    int scheme = url.indexOf("://") + 3;
    return url.substring(0, scheme) + enc(user) + ":" + enc(password) + "@" + url.substring(scheme);
  }

  /** A request to {@code url + path}, with the URL's credentials as basic auth when it has some. */
  public static HttpRequest.Builder request(String url, String path) {
    URI u = URI.create(url);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(withoutCredentials(url) + path));
    String info = u.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
      String password = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return b;
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
