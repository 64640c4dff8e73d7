package io.strata.ingest.remotewrite;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import org.xerial.snappy.Snappy;

/**
 * Jazzer target for the remote_write 1.0 and 2.0 decoders (issue 17 item 5): any body is decoded or refused
 * with a {@link BadRequestException} (a 400/413 answer), never another exception. The input is the
 * decompressed protobuf, so the fuzzer explores the protobuf decoders (1.0 with and without the series cache
 * and its fast path, and 2.0); it is also sent as it is, as a snappy body. Runs on the committed corpus
 * ({@code RemoteWriteFuzzTestInputs/}) in every build; {@code -Pfuzz} fuzzes it.
 */
class RemoteWriteFuzzTest {
  private static final int MAX_BYTES = 1 << 20;
  private static final int MAX_SERIES = 1_000;
  private static final RemoteWriteV1Decoder V1_CACHED = new RemoteWriteV1Decoder(MAX_BYTES, MAX_SERIES, 1 << 20);
  private static final RemoteWriteV1Decoder V1 = new RemoteWriteV1Decoder(MAX_BYTES, MAX_SERIES, 0);
  private static final RemoteWriteV2Decoder V2 = new RemoteWriteV2Decoder(MAX_BYTES, MAX_SERIES);

  @FuzzTest(maxDuration = "60s")
  void decodesOrRefusesCleanly(byte[] protobuf) throws IOException {
    byte[] snappy = Snappy.compress(protobuf);
    for (byte[] body : new byte[][] {snappy, protobuf}) {
      try {
        V1_CACHED.decodeRequest("fuzz", body);
      } catch (BadRequestException refused) {
        // a clean 400/413
      }
      try {
        V1.decodeRequest(null, body);
      } catch (BadRequestException refused) {
        // a clean 400/413
      }
      try {
        V2.decode(body);
      } catch (BadRequestException refused) {
        // a clean 400/413
      }
    }
  }
}
