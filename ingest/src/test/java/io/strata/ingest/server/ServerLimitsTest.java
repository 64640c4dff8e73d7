package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.ingest.remotewrite.BadRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ServerLimitsTest {
  @Test
  void inflightBudgetRefusesWhatDoesNotFitAndFreesOnRelease() {
    InflightLimiter l = new InflightLimiter(100);
    assertTrue(l.tryAcquire(60));
    assertFalse(l.tryAcquire(60), "60 + 60 > 100");
    assertTrue(l.tryAcquire(40));
    l.release(60);
    assertTrue(l.tryAcquire(50));
    l.release(40);
    l.release(50);
    assertEquals(0, l.used());
    assertTrue(l.tryAcquire(500), "one request alone always fits");
  }

  @Test
  void tenantIdsFollowTheCortexRule() {
    assertTrue(Tenants.isValid("team-a_1.prod"));
    assertFalse(Tenants.isValid("a/b"));
    assertFalse(Tenants.isValid(".."));
    assertFalse(Tenants.isValid("x".repeat(151)));
    assertFalse(Tenants.isValid("ü"));
  }

  @Test
  void gzipBodiesAreLimitedAfterDecompression() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write("a".repeat(100_000).getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(100_000, Bodies.decode(gz.toByteArray(), "gzip", 200_000).length);
    BadRequestException e = assertThrows(BadRequestException.class, () -> Bodies.decode(gz.toByteArray(), "gzip", 50_000));
    assertEquals(413, e.status());
    assertEquals("gzip", assertThrows(BadRequestException.class, () -> Bodies.decode(new byte[] {1, 2, 3}, "gzip", 100)).reason());
    assertEquals("content_encoding", assertThrows(BadRequestException.class, () -> Bodies.decode(new byte[0], "br", 100)).reason());
  }

  @Test
  void remoteWriteContentTypes() {
    assertEquals(Boolean.FALSE, RemoteWriteHandler.protoOf(null));
    assertEquals(Boolean.FALSE, RemoteWriteHandler.protoOf("application/x-protobuf"));
    assertEquals(Boolean.FALSE, RemoteWriteHandler.protoOf("application/x-protobuf;proto=prometheus.WriteRequest"));
    assertEquals(Boolean.TRUE, RemoteWriteHandler.protoOf("application/x-protobuf; proto=io.prometheus.write.v2.Request"));
    assertEquals(null, RemoteWriteHandler.protoOf("application/x-protobuf;proto=io.prometheus.write.v3.Request"));
    assertEquals(null, RemoteWriteHandler.protoOf("text/plain"));
  }
}
