package io.strata.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryUrlTest {
  @Test
  void credentialsInTheUrlBecomeBasicAuthAndLeaveTheShownUrl() {
    String url = RegistryUrl.withCredentials("http://127.0.0.1:8081/apis/ccompat/v7", "strata-registry", "p@ss:w/rd");
    assertEquals("http://127.0.0.1:8081/apis/ccompat/v7", RegistryUrl.withoutCredentials(url));
    HttpRequest r = RegistryUrl.request(url, "/subjects").build();
    assertEquals("http://127.0.0.1:8081/apis/ccompat/v7/subjects", r.uri().toString());
    String auth = r.headers().firstValue("Authorization").orElseThrow();
    assertEquals("strata-registry:p@ss:w/rd", new String(Base64.getDecoder().decode(auth.substring("Basic ".length())), StandardCharsets.UTF_8));
  }

  @Test
  void aUrlWithoutCredentialsSendsNoAuthorization() {
    HttpRequest r = RegistryUrl.request("http://127.0.0.1:8081/apis/ccompat/v7", "/subjects").build();
    assertTrue(r.headers().firstValue("Authorization").isEmpty());
    assertEquals("http://h:1/x", RegistryUrl.withoutCredentials("http://h:1/x"));
  }
}
