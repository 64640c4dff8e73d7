package io.strata.ingest.otlp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.strata.ingest.remotewrite.BadRequestException;
import java.util.List;

/**
 * Jazzer target for the OTLP decoders (issue 17 item 5): any body, as protobuf or as JSON, is decoded and
 * translated into Prometheus series, or refused with a {@link BadRequestException} (400), never another
 * exception. Runs on the committed corpus ({@code OtlpDecoderFuzzTestInputs/}) in every build; {@code -Pfuzz}
 * fuzzes it.
 */
class OtlpDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void decodesOrRefusesCleanly(byte[] body) {
    try {
      translate(OtlpProtobufDecoder.decode(body));
    } catch (BadRequestException refused) {
      // a clean 400
    }
    try {
      translate(OtlpJsonDecoder.decode(body));
    } catch (BadRequestException refused) {
      // a clean 400
    }
  }

  private static void translate(List<OtlpModel.Resource> resources) {
    OtlpTranslator.translate(resources, 1_000);
  }
}
