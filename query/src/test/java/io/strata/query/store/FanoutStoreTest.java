package io.strata.query.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.tsdb.Resolution;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A store that starts its answer and then stalls costs a read the store timeout, not forever. */
class FanoutStoreTest {
  @Test
  void aStoreStallingInTheMiddleOfItsAnswerIsGivenUpAfterTheTimeout() throws Exception {
    try (ServerSocket stalled = new ServerSocket(0)) {
      List<Socket> held = new ArrayList<>();
      Thread server = new Thread(() -> {
        try {
          while (true) {
            Socket s = stalled.accept();
            held.add(s);
            OutputStream out = s.getOutputStream();
            // the headers and the magic, then nothing: a store paused (SIGSTOP, GC) in the middle of a select
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + StoreWire.CONTENT_TYPE + "\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nSTS2\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      server.setDaemon(true);
      server.start();
      String url = "http://127.0.0.1:" + stalled.getLocalPort();
      try (FanoutStore f = new FanoutStore(List.of(URI.create(url)), true, Duration.ofMillis(800), new PrometheusRegistry())) {
        List<String> warnings = new ArrayList<>();
        long t0 = System.nanoTime();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
            () -> f.forRequest(true, warnings::add).select("default", Resolution.RAW, 0, 1000, List.of()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 700 && ms < 30_000, "given up after the timeout, took " + ms + " ms");
        assertEquals("no store answered: store " + url + " did not answer: no whole answer within 800 ms", e.getMessage());
      }
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
